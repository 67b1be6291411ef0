import { ReleaseError } from '@chart-release/core';
import { resolveIdentityToken } from './identity-token.ts';
import { IN_TOTO_STATEMENT_TYPE, splitDigest, type InTotoStatement } from './statement.ts';

// The predicate GitHub's actions/attest-build-provenance signs (@actions/attest, buildSLSAProvenancePredicate):
// https://slsa.dev/spec/v1.0/provenance with the GitHub Actions workflow build type
// https://github.com/slsa-framework/github-actions-buildtypes/tree/main/workflow/v1
export const SLSA_PROVENANCE_V1_PREDICATE_TYPE = 'https://slsa.dev/provenance/v1';
export const GITHUB_WORKFLOW_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';

/** The GitHub Actions OIDC token claims the predicate is built from (the ones @actions/attest requires). */
export interface GitHubWorkflowClaims {
  iss: string;
  ref: string;
  sha: string;
  repository: string;
  event_name: string;
  job_workflow_ref: string;
  workflow_ref: string;
  repository_id: string;
  repository_owner_id: string;
  runner_environment: string;
  run_id: string;
  run_attempt: string;
}

const REQUIRED_CLAIMS: readonly (keyof GitHubWorkflowClaims)[] = [
  'iss',
  'ref',
  'sha',
  'repository',
  'event_name',
  'job_workflow_ref',
  'workflow_ref',
  'repository_id',
  'repository_owner_id',
  'runner_environment',
  'run_id',
  'run_attempt',
];

/** The SLSA v1 provenance predicate of a GitHub Actions run, field for field as @actions/attest builds it. */
export function buildProvenancePredicate(claims: GitHubWorkflowClaims, serverUrl = 'https://github.com'): Record<string, unknown> {
  const server = serverUrl.replace(/\/+$/, '');
  // owner/repo/.github/workflows/release.yaml@refs/heads/release -> .github/workflows/release.yaml
  const [workflowPath] = claims.workflow_ref.replace(`${claims.repository}/`, '').split('@');
  return {
    buildDefinition: {
      buildType: GITHUB_WORKFLOW_BUILD_TYPE,
      externalParameters: {
        workflow: {
          ref: claims.ref,
          repository: `${server}/${claims.repository}`,
          path: workflowPath,
        },
      },
      internalParameters: {
        github: {
          event_name: claims.event_name,
          repository_id: claims.repository_id,
          repository_owner_id: claims.repository_owner_id,
          runner_environment: claims.runner_environment,
        },
      },
      resolvedDependencies: [
        {
          uri: `git+${server}/${claims.repository}@${claims.ref}`,
          digest: { gitCommit: claims.sha },
        },
      ],
    },
    runDetails: {
      builder: { id: `${server}/${claims.job_workflow_ref}` },
      metadata: {
        invocationId: `${server}/${claims.repository}/actions/runs/${claims.run_id}/attempts/${claims.run_attempt}`,
      },
    },
  };
}

/** The in-toto statement of a provenance attestation: the OCI manifest digest named by its repository. */
export function provenanceStatement(subjectName: string, digest: string, predicate: Record<string, unknown>): InTotoStatement {
  const [algorithm, hex] = splitDigest(digest);
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: subjectName, digest: { [algorithm]: hex } }],
    predicateType: SLSA_PROVENANCE_V1_PREDICATE_TYPE,
    predicate,
  };
}

/**
 * The workflow claims of a GitHub Actions OIDC token, read without checking its signature: the same token is then
 * exchanged at Fulcio, which checks it, and the certificate binds the signature to it. Throws PROVENANCE_UNAVAILABLE
 * naming the claims a token lacks (a token from elsewhere than GitHub Actions).
 */
export function workflowClaimsOf(identityToken: string, chart?: string): GitHubWorkflowClaims {
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(identityToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ReleaseError('PROVENANCE_UNAVAILABLE', 'the OIDC identity token is not a JWT, so no build provenance can be made from it.', { chart });
  }
  const missing = REQUIRED_CLAIMS.filter((claim) => typeof claims[claim] !== 'string' || claims[claim] === '');
  if (missing.length) {
    throw new ReleaseError(
      'PROVENANCE_UNAVAILABLE',
      `the OIDC identity token lacks the GitHub Actions claims ${missing.join(', ')}, so no build provenance can be made from it.`,
      {
        chart,
        hint: "build provenance needs the GitHub Actions OIDC token (permissions: id-token: write); set 'signing.provenance: false' to release without it",
      },
    );
  }
  return Object.fromEntries(REQUIRED_CLAIMS.map((claim) => [claim, claims[claim] as string])) as unknown as GitHubWorkflowClaims;
}

/**
 * The SLSA v1 provenance statement for `digest` (named `subjectName`, the registry repository) from the workflow
 * claims of this run's OIDC token: the configured one, `SIGSTORE_ID_TOKEN` or the Actions OIDC endpoint.
 */
export async function provenanceStatementFor(options: {
  subjectName: string;
  digest: string;
  serverUrl?: string;
  identityToken?: string;
  chart?: string;
}): Promise<InTotoStatement> {
  const token = await resolveIdentityToken(options);
  return provenanceStatement(options.subjectName, options.digest, buildProvenancePredicate(workflowClaimsOf(token, options.chart), options.serverUrl));
}
