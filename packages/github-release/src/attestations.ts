import type { GitHubClient, RepositoryRef } from '@chart-release/github-client';

/** Most pages of attestations read for one digest (100 each). */
const MAX_PAGES = 10;

/**
 * Stores a Sigstore bundle as an artifact attestation of the repository (`POST /repos/{owner}/{repo}/attestations`,
 * what `actions/attest-build-provenance` does; the job needs `attestations: write`); returns its id.
 * https://docs.github.com/rest/repos/attestations#create-an-attestation
 */
export async function createAttestation(octokit: GitHubClient, repo: RepositoryRef, bundle: Record<string, unknown>): Promise<number | undefined> {
  const { data } = await octokit.request('POST /repos/{owner}/{repo}/attestations', { owner: repo.owner, repo: repo.repo, bundle: bundle as never });
  return (data as { id?: number }).id;
}

/**
 * The bundles of every attestation the repository holds for `subjectDigest` (`sha256:<hex>`), every page, as
 * `gh attestation verify` fetches them (`GET /repos/{owner}/{repo}/attestations/{subject_digest}`); none on 404.
 * https://docs.github.com/rest/repos/attestations#list-attestations
 */
export async function listAttestationBundles(octokit: GitHubClient, repo: RepositoryRef, subjectDigest: string): Promise<Record<string, unknown>[]> {
  const bundles: Record<string, unknown>[] = [];
  try {
    let pages = 0;
    const iterator = octokit.paginate.iterator(octokit.rest.repos.listAttestations, {
      owner: repo.owner,
      repo: repo.repo,
      subject_digest: subjectDigest,
      per_page: 100,
    });
    for await (const page of iterator) {
      const data = page.data as unknown as { attestations?: { bundle?: Record<string, unknown> | null }[] };
      for (const item of data.attestations ?? []) if (item.bundle) bundles.push(item.bundle);
      if (++pages >= MAX_PAGES) break;
    }
  } catch (error) {
    if ((error as { status?: number }).status === 404) return [];
    throw error;
  }
  return bundles;
}
