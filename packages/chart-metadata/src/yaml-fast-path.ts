/**
 * A reader for the plain subset of YAML that nearly every Chart.yaml is written in: top-level `key: scalar`,
 * `key:` followed by a block list (of scalars, or of flat `key: scalar` mappings) or by a flat mapping. It is ~30x
 * faster than a full YAML parser, which matters when a push touches hundreds of charts. Anything outside the subset
 * (flow collections, anchors, tags, block scalars, multi-line or escaped strings, plain scalars YAML would read as a
 * number, boolean or null, duplicate keys) returns undefined, and the caller uses the full `yaml` parser instead.
 */
export function readPlainYaml(content: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const lines = (content.includes('\r') ? content.replace(/\r\n/g, '\n') : content).split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i++]!;
    if (!meaningful(line)) continue;
    const top = TOP_KEY.exec(line);
    if (!top || Object.hasOwn(out, top[1]!)) return undefined;
    const key = top[1]!;
    const rest = top[2] === undefined ? '' : stripComment(top[2]);
    if (rest !== '') {
      const first = rest.charCodeAt(0);
      // a plain scalar is `rest` already (trimmed, comment cut); a quoted one is read from the raw text
      const value = first === 91 /* [ */ ? flowList(rest) : first === 34 /* " */ || first === 39 /* ' */ ? scalar(top[2]!) : plain(rest);
      if (value === undefined) return undefined;
      out[key] = value;
      continue;
    }
    // a block below: collect its indented lines
    const block: string[] = [];
    while (i < lines.length) {
      const l = lines[i]!;
      const first = l.charCodeAt(0);
      const isMeaningful = meaningful(l);
      if (isMeaningful && first !== 32 /* space */ && first !== 45 /* - */) break;
      i++;
      if (isMeaningful) block.push(l);
    }
    if (block.length === 0) return undefined; // `key:` alone is null
    const head = block[0]!.trimStart();
    const nested = head.startsWith('- ') || head === '-' ? list(block) : map(block);
    if (nested === undefined) return undefined;
    out[key] = nested;
  }
  return out;
}

const TOP_KEY = /^([A-Za-z_][\w.-]*):(?:[ ]+(.*))?$/;

/** Not blank and not a comment line. */
function meaningful(line: string): boolean {
  for (let k = 0; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (c === 32 || c === 9) continue;
    return c !== 35; /* # */
  }
  return false;
}

function stripComment(text: string): string {
  if (!text.includes('#')) return text.trim();
  const at = text.search(/\s#/);
  return (at === -1 ? text : text.slice(0, at)).trim();
}

// YAML 1.2 core schema: plain scalars that are not strings (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
const NOT_A_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const MAYBE_NOT_A_STRING = /^[^A-Za-z]|^[nNtTfF]/;
const NOT_PLAIN = /^[[\]{}&*!|>%@`,#]|^[-?:](?:\s|$)|: |:$|\t/;

function scalar(raw: string): string | undefined {
  const text = raw.trim();
  if (text.startsWith('"')) {
    const m = /^"([^"\\]*)"(?:\s+#.*)?$/.exec(text);
    return m ? m[1] : undefined;
  }
  if (text.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'(?:\s+#.*)?$/.exec(text);
    return m ? m[1]!.replace(/''/g, "'") : undefined;
  }
  return plain(stripComment(text));
}

/** A plain scalar, trimmed and without its comment: the string, or undefined when YAML reads it otherwise. */
function plain(value: string): string | undefined {
  if (value === '') return undefined;
  // a number, boolean or null starts with one of these; other letters start a string
  if (MAYBE_NOT_A_STRING.test(value) && NOT_A_STRING.test(value)) return undefined;
  // indicator characters that start something other than a plain scalar, or a `: ` that makes a mapping
  if (NOT_PLAIN.test(value)) return undefined;
  return value;
}

/** `[a, b]`: a flow list of plain or simply quoted scalars. */
function flowList(text: string): string[] | undefined {
  const m = /^\[(.*)\]$/.exec(text);
  if (!m || /[[\]{}]/.test(m[1]!)) return undefined;
  if (m[1]!.trim() === '') return [];
  const items = m[1]!.split(',').map((item) => (/^\s*$/.test(item) || /[:#]/.test(item) ? undefined : scalar(item)));
  return items.every((item) => item !== undefined) ? (items as string[]) : undefined;
}

/** `key: scalar` lines at one indentation. */
function map(block: string[]): Record<string, string> | undefined {
  const indent = block[0]!.length - block[0]!.trimStart().length;
  const out: Record<string, string> = {};
  for (const line of block) {
    const m = /^( *)([A-Za-z_][\w./-]*|"[^"\\]*"):(?:[ ]+(.*))?$/.exec(line);
    if (!m || m[1]!.length !== indent || m[3] === undefined) return undefined;
    const key = m[2]!.replace(/^"|"$/g, '');
    const value = scalar(m[3]);
    if (value === undefined || key in out) return undefined;
    out[key] = value;
  }
  return out;
}

/** `- scalar` items, or `- key: scalar` items continued by `  key: scalar` lines. */
function list(block: string[]): unknown[] | undefined {
  const indent = block[0]!.length - block[0]!.trimStart().length;
  const items: string[][] = [];
  for (const line of block) {
    const own = line.length - line.trimStart().length;
    if (own === indent && /^ *- /.test(line)) items.push([line.slice(0, own) + '  ' + line.slice(own + 2)]);
    else if (own > indent && items.length) items[items.length - 1]!.push(line);
    else return undefined;
  }
  const out: unknown[] = [];
  for (const item of items) {
    const first = item[0]!.trim();
    if (item.length === 1 && !/^[A-Za-z_"][^:]*:(?: |$)/.test(first)) {
      const value = scalar(first);
      if (value === undefined) return undefined;
      out.push(value);
      continue;
    }
    const value = map(item);
    if (value === undefined) return undefined;
    out.push(value);
  }
  return out;
}
