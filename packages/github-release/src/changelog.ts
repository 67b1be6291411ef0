/** One version's section of a Keep a Changelog file. */
export interface ChangelogSection {
  version: string;
  /** The release date from the heading (`## [1.2.3] - 2026-01-12`), when there is one. */
  date?: string;
  /** The section's Markdown without its heading, trimmed; may be empty. */
  body: string;
}

// `## [1.2.3] - 2026-01-12`, `## 1.2.3`, `## [v1.2.3](https://...) – 2026-01-12`, `## 1.2.3 (2026-01-12)`
const VERSION_HEADING = /^##\s+\[?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\]?(?=$|[\s(\]])(.*)$/;
const DATE = /\b(\d{4}-\d{2}-\d{2})\b/;
const FENCE = /^\s{0,3}(```|~~~)/;
// link reference definitions at the end of a Keep a Changelog file: `[1.2.3]: https://...`
const LINK_DEFINITION = /^\[[^\]]+\]:\s+\S+/;

/**
 * The section of `markdown` (a CHANGELOG in Keep a Changelog format) for `version`, or undefined when there is no
 * heading for it. The section ends at the next `#`/`##` heading outside code fences; trailing link definitions
 * are dropped. See https://keepachangelog.com/en/1.1.0/.
 */
export function extractChangelogSection(markdown: string, version: string): ChangelogSection | undefined {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let inFence = false;
  let start = -1;
  let date: string | undefined;
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence) continue;
    if (start === -1) {
      const heading = VERSION_HEADING.exec(line);
      if (heading && sameVersion(heading[1]!, version)) {
        start = i + 1;
        date = DATE.exec(heading[2]!.replace(/\([^)]*:\/\/[^)]*\)/g, ''))?.[1];
      }
    } else if (/^#{1,2}\s/.test(line)) {
      end = i;
      break;
    }
  }
  if (start === -1) return undefined;
  const body = lines.slice(start, end);
  while (body.length && (body[body.length - 1]!.trim() === '' || LINK_DEFINITION.test(body[body.length - 1]!))) body.pop();
  const text = body.join('\n').trim();
  return { version, ...(date ? { date } : {}), body: text };
}

function sameVersion(headingVersion: string, version: string): boolean {
  return headingVersion.replace(/^v/, '') === version.replace(/^v/, '');
}
