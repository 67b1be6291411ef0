/**
 * YAML written byte for byte as `helm repo index` writes it: sigs.k8s.io/yaml over go-yaml v2 (keys in go-yaml's
 * natural order, sequences not indented under their key, 2-space indent, scalars folded past column 80, YAML 1.1
 * quoting). Only the shapes a chart's metadata can take: strings, booleans, numbers, lists and string-keyed maps.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

const BEST_WIDTH = 80;

/** The value as go-yaml v2 writes it, starting at `column` (the caller has written `indent` spaces or `- `/`key: `). */
class Emitter {
  out = '';
  column = 0;

  write(text: string): void {
    this.out += text;
    this.column += [...text].length;
  }

  newline(indent: number): void {
    this.out += `\n${' '.repeat(indent)}`;
    this.column = indent;
  }
}

/** `value` as a block mapping at column `indent` (a document when 0), ending with a newline. */
export function renderYamlBlock(value: { [key: string]: YamlValue }, indent: number): string {
  const e = new Emitter();
  e.write(' '.repeat(indent));
  emitMapping(e, value, indent);
  return `${e.out}\n`;
}

/** `value` as one item of a block sequence whose `-` is at column `indent`, ending with a newline. */
export function renderYamlSequenceItem(value: YamlValue, indent: number): string {
  const e = new Emitter();
  e.write(' '.repeat(indent));
  emitSequence(e, [value], indent);
  return `${e.out}\n`;
}

/** A string scalar as go-yaml v2 writes it in a simple key or a plain position (used for chart names as keys). */
export function renderYamlKey(key: string): string {
  const e = new Emitter();
  emitString(e, key, 0, true);
  return e.out;
}

function isCollection(v: YamlValue): v is YamlValue[] | { [key: string]: YamlValue } {
  return v !== null && typeof v === 'object';
}

function isEmpty(v: YamlValue[] | { [key: string]: YamlValue }): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

function emitMapping(e: Emitter, map: { [key: string]: YamlValue }, indent: number): void {
  const keys = Object.keys(map).sort((a, b) => (goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0));
  if (!keys.length) return e.write('{}');
  keys.forEach((key, i) => {
    if (i > 0) e.newline(indent);
    emitString(e, key, indent, true);
    e.write(':');
    emitValue(e, map[key]!, indent, false);
  });
}

function emitSequence(e: Emitter, items: YamlValue[], indent: number): void {
  if (!items.length) return e.write('[]');
  items.forEach((item, i) => {
    if (i > 0) e.newline(indent);
    e.write('-');
    emitValue(e, item, indent, true);
  });
}

// after `key:` or `-`: a scalar on the same line, a collection on the next lines (a mapping in a sequence inline)
function emitValue(e: Emitter, value: YamlValue, indent: number, inSequence: boolean): void {
  if (isCollection(value) && !isEmpty(value)) {
    if (Array.isArray(value)) {
      if (inSequence) {
        e.write(' ');
        return emitSequence(e, value, indent + 2);
      }
      e.newline(indent);
      return emitSequence(e, value, indent);
    }
    if (inSequence) {
      e.write(' ');
      return emitMapping(e, value, indent + 2);
    }
    e.newline(indent + 2);
    return emitMapping(e, value, indent + 2);
  }
  e.write(' ');
  if (isCollection(value)) return e.write(Array.isArray(value) ? '[]' : '{}');
  if (typeof value === 'string') return emitString(e, value, indent + 2, false);
  e.write(value === null ? 'null' : String(value));
}

type Style = 'plain' | 'single' | 'double' | 'literal';

function emitString(e: Emitter, value: string, indent: number, simpleKey: boolean): void {
  let style: Style = value.includes('\n') ? 'literal' : resolvesToString(value) ? 'plain' : 'double';
  const a = analyzeScalar(value);
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain' && (!a.blockPlainAllowed || (value === '' && simpleKey))) style = 'single';
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  const allowBreaks = !simpleKey;
  if (style === 'plain') writePlain(e, value, indent, allowBreaks);
  else if (style === 'single') writeSingleQuoted(e, value, indent, allowBreaks);
  else if (style === 'double') writeDoubleQuoted(e, value, indent, allowBreaks);
  else writeLiteral(e, value, indent);
}

const isBreak = (c: string | undefined) => c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isSpace = (c: string | undefined) => c === ' ';
const isBlankOrEnd = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || isBreak(c);

// libyaml's is_printable, on code points
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

// libyaml's yaml_emitter_analyze_scalar: which styles can carry the text unchanged
function analyzeScalar(value: string) {
  const chars = [...value];
  if (!chars.length)
    return {
      multiline: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  let followedByWhitespace = isBlankOrEnd(chars[1]);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) blockIndicators = true;
    } else if (c === ':' && followedByWhitespace) blockIndicators = true;
    else if (c === '#' && precededByWhitespace) blockIndicators = true;
    if (!isPrintable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(c);
    followedByWhitespace = isBlankOrEnd(chars[i + 2]);
  }
  let blockPlainAllowed = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
  let singleQuotedAllowed = true;
  let blockAllowed = !trailingSpace;
  if (breakSpace) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || special) blockPlainAllowed = singleQuotedAllowed = blockAllowed = false;
  if (lineBreaks || blockIndicators) blockPlainAllowed = false;
  return {
    multiline: lineBreaks,
    blockPlainAllowed,
    singleQuotedAllowed,
    blockAllowed,
  };
}

function writePlain(e: Emitter, value: string, indent: number, allowBreaks: boolean): void {
  const chars = [...value];
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (isSpace(c)) {
      if (allowBreaks && !spaces && e.column > BEST_WIDTH && !isSpace(chars[i + 1])) e.newline(indent);
      else e.write(c);
      spaces = true;
    } else {
      e.write(c);
      spaces = false;
    }
  }
}

function writeSingleQuoted(e: Emitter, value: string, indent: number, allowBreaks: boolean): void {
  const chars = [...value];
  e.write("'");
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (isSpace(c)) {
      if (allowBreaks && !spaces && e.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1 && !isSpace(chars[i + 1])) e.newline(indent);
      else e.write(c);
      spaces = true;
    } else {
      e.write(c === "'" ? "''" : c);
      spaces = false;
    }
  }
  e.write("'");
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\u0085': 'N',
  '\u00a0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function writeDoubleQuoted(e: Emitter, value: string, indent: number, allowBreaks: boolean): void {
  const chars = [...value];
  e.write('"');
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (!isPrintable(c) || c === '\ufeff' || isBreak(c) || c === '"' || c === '\\') {
      const named = ESCAPES[c];
      const cp = c.codePointAt(0)!;
      const hex = cp.toString(16).toUpperCase();
      e.write(`\\${named ?? (cp <= 0xff ? `x${hex.padStart(2, '0')}` : cp <= 0xffff ? `u${hex.padStart(4, '0')}` : `U${hex.padStart(8, '0')}`)}`);
      spaces = false;
    } else if (isSpace(c)) {
      if (allowBreaks && !spaces && e.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
        e.newline(indent);
        if (isSpace(chars[i + 1])) e.write('\\');
      } else e.write(c);
      spaces = true;
    } else {
      e.write(c);
      spaces = false;
    }
  }
  e.write('"');
}

function writeLiteral(e: Emitter, value: string, indent: number): void {
  const chars = [...value];
  let hints = isSpace(chars[0]) || isBreak(chars[0]) ? '2' : '';
  const last = chars[chars.length - 1];
  if (!isBreak(last)) hints += '-';
  else if (chars.length === 1 || isBreak(chars[chars.length - 2])) hints += '+';
  e.write(`|${hints}`);
  e.out += '\n';
  e.column = 0;
  let breaks = true;
  for (const c of chars) {
    if (isBreak(c)) {
      e.out += '\n';
      e.column = 0;
      breaks = true;
    } else {
      if (breaks) e.write(' '.repeat(indent));
      breaks = false;
      e.write(c);
    }
  }
  // a value ending in a line break has ended its line; the next line starts without another break
  if (breaks) e.out = e.out.slice(0, -1);
}

const GO_YAML_V2_MAP = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
  '',
  '~',
  'null',
  'Null',
  'NULL',
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMPS = [
  /^\d{4}-\d{1,2}-\d{1,2}$/,
  /^\d{4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?$/,
];

// Go's strconv.ParseInt/ParseUint(s, 0, 64): sign, 0x/0o/0b/0 prefixes, within 64 bits
function parsesAsGoInt(s: string): boolean {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return false;
  const digits = m[2]!;
  const magnitude = /^0[oO]/.test(digits) ? BigInt(`0o${digits.slice(2)}`) : /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  return m[1] === '-' ? magnitude <= 2n ** 63n : magnitude < 2n ** 64n;
}

function isTimestamp(s: string): boolean {
  if (!TIMESTAMPS.some((re) => re.test(s))) return false;
  const [y, mo, d] = s.split(/[-Tt ]/).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return mo >= 1 && mo <= 12 && date.getUTCDate() === d;
}

/** go-yaml v2's `resolve`: true when the text read back unquoted is still a string (else it is quoted on output). */
export function resolvesToString(s: string): boolean {
  if (BASE60_FLOAT.test(s)) return false;
  const first = s[0];
  if (first === undefined || GO_YAML_V2_MAP.has(s)) return false;
  if (first === '.') return !/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (!/[-+0-9]/.test(first)) return true;
  if (/[0-9]/.test(first) && isTimestamp(s)) return false;
  const plain = s.replaceAll('_', '');
  if (parsesAsGoInt(plain) || YAML_STYLE_FLOAT.test(plain)) return false;
  if (/^-?0b[01]+$/.test(plain)) return false;
  return true;
}

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);

/** go-yaml v2's key order (sorter.go): letters after other characters, runs of digits compared as numbers. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}
