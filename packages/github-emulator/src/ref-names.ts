/**
 * Whether `name` (a branch or tag name, or a full `refs/...` ref) is a valid git ref name, by the rules of
 * `git check-ref-format`: https://git-scm.com/docs/git-check-ref-format
 */
export function isValidRefName(name: string): boolean {
  if (!name || name === '@' || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (/\.\.|@\{|\/\/|[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}
