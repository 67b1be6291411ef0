import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeUserFile } from '@chart-release/core';
import { enrichFromAttestationsApi } from '@chart-release/attestation-map';
import type { GitHubClient, RepositoryRef } from '@chart-release/github-release';
import type { Stage } from '../stage.ts';
import { fileSha256 } from './files.ts';

/**
 * The lineage stage: the plan holds each chart's lineage from the merged pull request (read with the plan's facts);
 * this stage adds the pushed digest and what GitHub's attestations API knows of it, and writes the planned lineage
 * asset. It writes nothing remote.
 */
export function createLineageStage(gh: () => { octokit: GitHubClient; repo: RepositoryRef }): Stage<'lineage'> {
  return {
    name: 'lineage',
    phase: 'chart',
    async run(chart, { pushed }, { log }) {
      const { octokit, repo } = gh();
      const lookup = await enrichFromAttestationsApi(octokit, { owner: repo.owner, repo: repo.repo, subjectDigest: pushed!.digest, logger: log });
      const document = { ...chart.lineage, ociDigest: pushed!.digest, ociDigestAttestations: lookup };
      const file = chart.assets.find((a) => a.kind === 'lineage')!.source;
      await mkdir(dirname(file), { recursive: true });
      // redacted, as every file meant for the user: the lineage asset is published with the release
      await writeUserFile(file, `${JSON.stringify(document, null, 2)}\n`);
      return { file, sha256: await fileSha256(file) };
    },
    report(output, line) {
      line.lineage = output.file;
      return undefined;
    },
  };
}
