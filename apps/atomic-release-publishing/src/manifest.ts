import { readFile } from 'node:fs/promises';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ReleaseError, writeUserFile } from '@chart-release/core';
import type { PromotionRecord } from '@chart-release/github-release';
import { loadSchema } from './schemas.ts';

export interface ManifestArtifact {
  name: string;
  version: string;
  type: 'helm-chart';
  digest: string;
  uri: string;
  tag: string;
  package: { file: string; sha256: string };
  signature?: { referrer?: string; bundle?: string; signature?: string } | null;
  lineage?: { file: string; sha256: string } | null;
  release?: { tag: string; url: string; id?: number } | null;
}

/** A channel move the manifest records: github-release's promotion record (the notes of the release keep the same). */
export type ManifestPromotion = PromotionRecord;

/** The release manifest (`release-manifest.json`), schema `schemas/release-manifest.v1.schema.json`. */
export interface ReleaseManifest {
  schemaVersion: 1;
  kind: 'chart-release/release-manifest';
  repository?: string;
  gitSha: string;
  base?: string;
  runUrl?: string;
  createdAt: string;
  completedAt?: string;
  registry: string;
  signing: { mode: 'cosign' | 'sigstore' | 'key' | 'none'; identity?: string; identityRegexp?: string; issuer?: string };
  artifacts: ManifestArtifact[];
  promotions: ManifestPromotion[];
}

// compiled on first use, not by every command that imports this module
let manifestValidator: ValidateFunction | undefined;
function validatorOfManifest(): ValidateFunction {
  if (manifestValidator) return manifestValidator;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return (manifestValidator = ajv.compile(loadSchema('release-manifest.v1.schema.json')));
}

/** Problems with `data` as a release manifest (empty when it is valid), each naming the JSON path. */
export function manifestSchemaProblems(data: unknown): string[] {
  const validate = validatorOfManifest();
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
}

/** Reads and validates a release manifest; a ReleaseError names the file and every schema problem. */
export async function readManifest(path: string): Promise<ReleaseManifest> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ReleaseError('RELEASE_MANIFEST_INVALID', `cannot read release manifest: ${(error as Error).message}`, {
      file: path,
      hint: 'pass the release-manifest.json a publish run wrote (or its release asset).',
    });
  }
  const problems = manifestSchemaProblems(data);
  if (problems.length) {
    throw new ReleaseError('RELEASE_MANIFEST_INVALID', `release manifest does not match its schema: ${problems.join('; ')}.`, {
      file: path,
      hint: 'regenerate it with `chart-release manifest generate`; see schemas/release-manifest.v1.schema.json.',
    });
  }
  return data as ReleaseManifest;
}

/** Writes `manifest` (validated first, redacted) through a temp file and a rename. */
export async function writeManifest(path: string, manifest: ReleaseManifest): Promise<void> {
  const problems = manifestSchemaProblems(manifest);
  if (problems.length) throw new Error(`internal: generated manifest is invalid: ${problems.join('; ')}`);
  await writeUserFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** What verifying a manifest needs from the outside world (the registry and the signature checker). */
export interface ManifestVerifier {
  /** The manifest digest `tag` resolves to in `uri`'s repository, or undefined when the tag does not exist. */
  resolveTag(artifact: ManifestArtifact): Promise<string | undefined>;
  /** sha256 (hex) of the chart layer of the manifest `artifact.digest`. */
  chartLayerSha256(artifact: ManifestArtifact): Promise<string>;
  /** Verifies the signature of `artifact.digest` against the manifest's signing policy; throws with the reason. */
  verifySignature(artifact: ManifestArtifact, manifest: ReleaseManifest): Promise<void>;
}

export interface ArtifactCheck {
  name: string;
  version: string;
  digest: string;
  ok: boolean;
  checks: { check: 'uri' | 'tag' | 'package' | 'signature'; ok: boolean; detail: string }[];
}

/** Checks every artifact of `manifest` against the registry and its signature; returns one result per artifact. */
export async function verifyManifest(manifest: ReleaseManifest, verifier: ManifestVerifier): Promise<ArtifactCheck[]> {
  const results: ArtifactCheck[] = [];
  for (const artifact of manifest.artifacts) {
    const checks: ArtifactCheck['checks'] = [];
    const uriOk = artifact.uri.endsWith(`@${artifact.digest}`);
    checks.push({ check: 'uri', ok: uriOk, detail: uriOk ? 'uri names the digest' : `uri ${artifact.uri} does not end in @${artifact.digest}` });
    try {
      const resolved = await verifier.resolveTag(artifact);
      const ok = resolved === artifact.digest;
      checks.push({
        check: 'tag',
        ok,
        detail:
          resolved === undefined
            ? `tag ${artifact.tag} not found`
            : ok
              ? `tag ${artifact.tag} -> ${resolved}`
              : `tag ${artifact.tag} -> ${resolved}, manifest says ${artifact.digest}`,
      });
      const layer = await verifier.chartLayerSha256(artifact);
      const packageOk = layer === artifact.package.sha256;
      checks.push({
        check: 'package',
        ok: packageOk,
        detail: packageOk ? `chart layer sha256 ${layer}` : `chart layer sha256 ${layer}, manifest says ${artifact.package.sha256}`,
      });
    } catch (error) {
      checks.push({ check: 'tag', ok: false, detail: (error as Error).message });
    }
    if (manifest.signing.mode === 'none') {
      checks.push({ check: 'signature', ok: true, detail: 'unsigned (signing: none)' });
    } else {
      try {
        await verifier.verifySignature(artifact, manifest);
        checks.push({ check: 'signature', ok: true, detail: 'signature verified' });
      } catch (error) {
        checks.push({ check: 'signature', ok: false, detail: (error as Error).message });
      }
    }
    results.push({ name: artifact.name, version: artifact.version, digest: artifact.digest, ok: checks.every((c) => c.ok), checks });
  }
  return results;
}
