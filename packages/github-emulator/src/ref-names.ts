/**
 * Whether `name` (a branch or tag name, or a full `refs/...` ref) is a valid git ref name, by the rules of
 * `git check-ref-format`: https://git-scm.com/docs/git-check-ref-format
 */
export function isValidRefName(name: string): boolean {
  if (!name || name === '@' || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (/\.\.|@\{|\/\/|[ ~^:?*[\\]/.test(name)) return false;
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return false;
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}
