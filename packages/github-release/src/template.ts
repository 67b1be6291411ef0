import { ReleaseError } from '@chart-release/core';

/** Values a template can use: strings are inserted as they are, booleans and strings drive sections. */
export type TemplateView = Record<string, string | boolean | undefined>;

/**
 * Renders a small Mustache-like template: `{{name}}` inserts a value, `{{#name}}...{{/name}}` keeps its content when
 * the value is a non-empty string or true, `{{^name}}...{{/name}}` when it is not. A tag alone on its line takes
 * the line with it. An unknown name or an unbalanced section is a NOTES_TEMPLATE_INVALID error naming `file`.
 */
export function renderTemplate(template: string, view: TemplateView, file?: string): string {
  const known = new Set(Object.keys(view));
  const fail = (message: string) =>
    new ReleaseError('NOTES_TEMPLATE_INVALID', message, { file, hint: `the release notes template can use: ${[...known].sort().join(', ')}.` });
  // a section tag alone on its line (with its indentation and line break) is removed with the line
  const text = template.replace(/\r\n?/g, '\n').replace(/^[ \t]*(\{\{[#^/][ \t]*[A-Za-z][\w]*[ \t]*\}\})[ \t]*\n/gm, '$1');
  const stack: { name: string; show: boolean }[] = [];
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/\{\{\s*([#^/]?)\s*([A-Za-z][\w]*)\s*\}\}/g)) {
    const visible = stack.every((s) => s.show);
    if (visible) out += text.slice(last, match.index);
    last = match.index + match[0].length;
    const [, sigil, name] = match as unknown as [string, string, string];
    if (!known.has(name)) throw fail(`unknown name '${name}' in {{${sigil}${name}}}.`);
    const value = view[name];
    const truthy = value === true || (typeof value === 'string' && value.length > 0);
    if (sigil === '#' || sigil === '^') {
      stack.push({ name, show: sigil === '#' ? truthy : !truthy });
    } else if (sigil === '/') {
      const open = stack.pop();
      if (open?.name !== name) throw fail(`{{/${name}}} closes ${open ? `{{#${open.name}}}` : 'no open section'}.`);
    } else if (visible && typeof value === 'string') {
      out += value;
    }
  }
  if (stack.length) throw fail(`section {{#${stack[stack.length - 1]!.name}}} is never closed.`);
  out += text.slice(last);
  return out;
}
