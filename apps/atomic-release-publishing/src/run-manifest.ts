import { ReleaseError } from '@chart-release/core';
import { chartTag, parseOciReference } from '@chart-release/oci';
import type { JournalData } from './journal.ts';
import type { ReleaseManifest } from './manifest.ts';

/** What the journal does not know about a run: where, by whom, and under which signing policy. */
export interface ManifestContext {
  registry?: string;
  repository?: string;
  runUrl?: string;
  base?: string;
  signing?: ReleaseManifest['signing'];
  promotions?: ReleaseManifest['promotions'];
  completedAt?: string;
  /** Only these charts (the run's plan); every pushed chart of the journal by default. */
  charts?: string[];
}

/**
 * The release manifest of a run, from its journal: every pushed chart with its digest, package checksum, signature,
 * lineage and release. Used at the end of `publish` and by `manifest generate` (which passes the earlier manifest's
 * context along).
 */
export function manifestFromJournal(journal: JournalData, context: ManifestContext = {}): ReleaseManifest {
  const charts = Object.values(journal.charts)
    .filter((c) => c.pushed && c.packaged && (!context.charts || context.charts.includes(c.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (!charts.length) throw new ReleaseError('RELEASE_MANIFEST_INVALID', 'the journal records no pushed chart.', { hint: 'run chart-release publish first.' });
  const first = parseOciReference(charts[0]!.pushed!.ref);
  const basename = (path: string | undefined) => path?.split('/').pop();
  return {
    schemaVersion: 1,
    kind: 'chart-release/release-manifest',
    ...(context.repository ? { repository: context.repository } : {}),
    gitSha: journal.head,
    ...(context.base ? { base: context.base } : {}),
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
    createdAt: journal.startedAt,
    completedAt: context.completedAt ?? journal.updatedAt,
    registry: context.registry ?? `oci://${first.registry}/${first.repository.split('/').slice(0, -1).join('/')}`,
    signing: context.signing ?? { mode: (charts[0]!.signed?.mode as ReleaseManifest['signing']['mode']) ?? 'none' },
    artifacts: charts.map((c) => {
      const ref = parseOciReference(c.pushed!.ref);
      return {
        name: c.name,
        version: c.version,
        type: 'helm-chart' as const,
        digest: c.pushed!.digest,
        uri: `oci://${ref.registry}/${ref.repository}@${c.pushed!.digest}`,
        tag: ref.tag ?? chartTag(c.version),
        package: { file: basename(c.packaged!.file)!, sha256: c.packaged!.sha256 },
        signature:
          c.signed && c.signed.mode !== 'none'
            ? { referrer: c.signed.referrerDigest, bundle: basename(c.signed.bundlePath), signature: basename(c.signed.signaturePath) }
            : null,
        lineage: c.lineage?.sha256 ? { file: basename(c.lineage.file)!, sha256: c.lineage.sha256 } : null,
        release: c.release ? { tag: c.release.tag, url: c.release.url, id: c.release.id } : null,
      };
    }),
    promotions: context.promotions ?? [],
  };
}
