/**
 * Finds attestation-map blocks in Markdown: the marker comment `<!-- chart-release:attestation-map v1 -->`
 * followed (blank lines allowed) by a fenced code block whose info string is `json`, `yaml` or `yml`.
 * The marker is invisible once GitHub renders the Markdown; the fence renders as a highlighted block.
 */

export const MAP_MARKER_PREFIX = 'chart-release:attestation-map';

export interface MapBlock {
  /** The version the marker declares (1 for `v1`). */
  markerVersion: number;
  /** The marker as written, for messages. */
  marker: string;
  /** `json` or `yaml`; undefined when the marker is not followed by a fenced block. */
  language?: 'json' | 'yaml';
  /** The fenced block's content. */
  content?: string;
  /** 1-based line of the marker in the document (after CRLF normalisation). */
  line: number;
  /** 1-based line of the block's first content line. */
  contentLine?: number;
  /** Why the block could not be read, when it could not. */
  problem?: string;
}

const MARKER = /<!--\s*chart-release:attestation-map\s+v(\d+)\s*-->/g;
const OPEN_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([A-Za-z0-9_+-]*)[^\n]*$/;

/** Every marker in `markdown`, each with the fenced block that follows it (or the reason there is none). */
export function findMapBlocks(markdown: string): MapBlock[] {
  const text = markdown.replace(/\r\n?/g, '\n');
  const blocks: MapBlock[] = [];
  for (const match of text.matchAll(MARKER)) {
    const start = match.index;
    const line = lineOf(text, start);
    const base = { markerVersion: Number(match[1]), marker: match[0], line };
    const rest = text.slice(start + match[0].length);
    // only whitespace may sit between the marker and the opening fence
    const lead = /^[ \t]*\n(?:[ \t]*\n)*/.exec(rest);
    const afterLead = lead ? rest.slice(lead[0].length) : '';
    const openLine = afterLead.split('\n', 1)[0] ?? '';
    const open = lead ? OPEN_FENCE.exec(openLine) : null;
    if (!open) {
      blocks.push({ ...base, problem: 'the marker is not followed by a ```json or ```yaml fenced block' });
      continue;
    }
    const fence = open[1]!;
    const info = open[2]!.toLowerCase();
    const language = info === 'json' ? 'json' : info === 'yaml' || info === 'yml' ? 'yaml' : undefined;
    if (!language) {
      blocks.push({ ...base, problem: `the fenced block after the marker is \`${info || '(no language)'}\`; use \`json\` or \`yaml\`` });
      continue;
    }
    const bodyLines = afterLead.slice(openLine.length + 1).split('\n');
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    const end = bodyLines.findIndex((l) => close.test(l));
    const contentLine = line + (lead![0].match(/\n/g)?.length ?? 0) + 1;
    if (end < 0) {
      blocks.push({ ...base, language, contentLine, problem: `the ${fence} block after the marker is never closed` });
      continue;
    }
    blocks.push({ ...base, language, content: bodyLines.slice(0, end).join('\n'), contentLine });
  }
  return blocks;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Renders a map as the Markdown a pipeline stage writes into a pull request (marker + fenced JSON). */
export function renderMapBlock(map: unknown): string {
  return `<!-- ${MAP_MARKER_PREFIX} v1 -->\n\`\`\`json\n${JSON.stringify(map, null, 2)}\n\`\`\`\n`;
}
