import { ReleaseError } from '@chart-release/core';
import { parseDocument } from 'yaml';
import { findMapBlocks, type MapBlock } from './map-block.ts';
import { MAP_SCHEMA_FILE, validateMapData } from './schemas.ts';
import type { AttestationMap } from './types.ts';

/** Largest map block accepted by default (GitHub caps a body or comment at 65,536 characters). */
export const DEFAULT_MAX_MAP_BYTES = 64 * 1024;

/** Where a piece of Markdown came from, so that errors can name the pull request and the comment. */
export interface MapLocation {
  pr: number;
  kind: 'body' | 'comment';
  /** html_url of the pull request (body) or the comment. */
  url: string;
  commentId?: number;
}

export interface ParseMapOptions {
  maxBytes?: number;
}

/** Human description of a location: `PR #12 body (url)` or `PR #12 comment 345 (url)`. */
export function describeLocation(where: MapLocation): string {
  return where.kind === 'body' ? `PR #${where.pr} body (${where.url})` : `PR #${where.pr} comment ${where.commentId} (${where.url})`;
}

/**
 * Reads the attestation map in one body or comment: undefined when there is no marker; the validated map otherwise.
 * A marker without a readable block, a block over `maxBytes`, a syntax error or a schema violation is a ReleaseError
 * naming the PR, the comment and (for schema violations) the JSON path of every offending field.
 */
export function parseAttestationMap(markdown: string | null | undefined, where: MapLocation, options: ParseMapOptions = {}): AttestationMap | undefined {
  const blocks = findMapBlocks(markdown ?? '');
  if (blocks.length === 0) return undefined;
  const place = describeLocation(where);
  const subject = { file: where.url, details: { pr: where.pr, url: where.url, ...(where.commentId ? { commentId: where.commentId } : {}) } };
  if (blocks.length > 1) {
    throw new ReleaseError(
      'ATTESTATION_MAP_AMBIGUOUS',
      `${place} has ${blocks.length} attestation map markers (lines ${blocks.map((b) => b.line).join(', ')}).`,
      {
        ...subject,
        hint: 'keep exactly one map per body or comment; post a new comment to replace an old map',
      },
    );
  }
  const block = blocks[0]!;
  if (block.markerVersion !== 1) {
    throw new ReleaseError(
      'ATTESTATION_MAP_UNSUPPORTED_VERSION',
      `${place} has an attestation map of version ${block.markerVersion}; this release of chart-release reads version 1.`,
      {
        ...subject,
        hint: 'write the map in format v1 (see the @chart-release/attestation-map README) or upgrade chart-release',
      },
    );
  }
  if (block.problem || block.content === undefined) {
    throw new ReleaseError('ATTESTATION_MAP_UNPARSABLE', `${place}: ${block.problem} (marker on line ${block.line}).`, {
      ...subject,
      hint: 'put a ```json or ```yaml fenced block right after the marker comment',
    });
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MAP_BYTES;
  const size = Buffer.byteLength(block.content, 'utf8');
  if (size > maxBytes) {
    throw new ReleaseError('ATTESTATION_MAP_TOO_LARGE', `${place}: the attestation map is ${size} bytes, over the limit of ${maxBytes} bytes.`, {
      ...subject,
      details: { ...subject.details, size, maxBytes },
      hint: 'record attestation ids or URLs instead of embedding bundles, or raise maxBytes',
    });
  }
  const data = parseContent(block, place, subject);
  const problems = validateMapData(data);
  if (problems.length) {
    const chart = problems.map((p) => /^\/charts\/([^/]+)/.exec(p.path)?.[1]).find(Boolean);
    throw new ReleaseError(
      'ATTESTATION_MAP_INVALID',
      `${place}: the attestation map does not match ${MAP_SCHEMA_FILE}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}.`,
      {
        ...subject,
        chart: chart?.replace(/~1/g, '/').replace(/~0/g, '~'),
        details: { ...subject.details, problems },
        hint: 'fix the fields named above in the stage that writes the map, then re-run',
      },
    );
  }
  return data as AttestationMap;
}

function parseContent(block: MapBlock, place: string, subject: { file: string; details: Record<string, unknown> }): unknown {
  const content = block.content!;
  if (block.language === 'json') {
    try {
      return JSON.parse(content);
    } catch (error) {
      throw new ReleaseError(
        'ATTESTATION_MAP_UNPARSABLE',
        `${place}: the attestation map is not valid JSON (block starts on line ${block.contentLine}): ${(error as Error).message}.`,
        {
          ...subject,
          hint: 'fix the JSON syntax in the stage that writes the map',
        },
      );
    }
  }
  // core schema: no YAML 1.1 surprises (no timestamps, no yes/no booleans); aliases capped against expansion bombs
  const doc = parseDocument(content, { schema: 'core', uniqueKeys: true, merge: false, prettyErrors: true });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    throw new ReleaseError(
      'ATTESTATION_MAP_UNPARSABLE',
      `${place}: the attestation map is not valid YAML${line ? ` (line ${line + (block.contentLine ?? 1) - 1})` : ''}: ${problem.message.split('\n')[0]}.`,
      { ...subject, hint: 'fix the YAML syntax in the stage that writes the map' },
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ReleaseError('ATTESTATION_MAP_UNPARSABLE', `${place}: the attestation map's YAML could not be read: ${(error as Error).message}.`, {
      ...subject,
      hint: 'write the map without YAML aliases',
    });
  }
}
