import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ReleaseError, type ReleaseErrorJSON } from '@chart-release/core';
import type { JournalChart } from './journal.ts';
import type { PlannedChart } from './plan.ts';
import type { PublishReport } from './report.ts';
import { loadSchema } from './schemas.ts';
import type { ChartOutputs } from './stage.ts';
import { fileSha256, writeJsonFile } from './wiring/files.ts';

/**
 * What one matrix leg did for one chart, up to its draft release (`<chart>.leg.json`, schema
 * `schemas/matrix-leg.v1.schema.json`); its files (package, signatures, lineage) lie in `<chart>/` beside it.
 */
export interface LegResult {
  schemaVersion: 1;
  kind: 'chart-release/matrix-leg';
  /** Which run the leg belongs to: the plan's fingerprint, its range, and the workflow run (GITHUB_RUN_ID). */
  run: { fingerprint: string; head: string; base: string; id?: string; attempt?: string; finishedAt?: string };
  chart: { name: string; path: string; version: string };
  status: 'prepared' | 'failed';
  error?: { code: string; message: string; hint?: string; step?: string };
  ref?: string;
  digest?: string;
  /** Paths are relative to the result file's folder. */
  package?: { file: string; sha256: string };
  signature?: {
    mode: 'cosign' | 'sigstore' | 'key' | 'none';
    referrer?: string;
    certificateIdentity?: string;
    issuer?: string;
    signature?: string;
    bundle?: string;
  };
  attestation?: { predicateType: string; referrer: string; githubId?: number; reused: boolean } | null;
  lineage?: { file: string; sha256: string };
  release?: { id: number; tag: string; url: string; draft: boolean };
  files: { path: string; sha256: string }[];
}

/** A leg result as read from disk: the file it came from. */
export interface ReadLeg {
  file: string;
  result: LegResult;
}

// compiled on first use (by finalize), not by every command that imports this module
let legValidator: ValidateFunction | undefined;
function validatorOfLeg(): ValidateFunction {
  if (legValidator) return legValidator;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return (legValidator = ajv.compile(loadSchema('matrix-leg.v1.schema.json')));
}
const SUFFIX = '.leg.json';

/**
 * Writes the leg result of each chart the report planned into `outDir` from the run's journal (what each stage
 * returned) and the report's errors, copying the files the leg made beside it. Returns the result files written.
 */
export async function writeLegResults(
  outDir: string,
  report: Pick<PublishReport, 'ok' | 'errors' | 'charts' | 'fingerprint' | 'head' | 'base'>,
  journal: Record<string, JournalChart>,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const { errors } = report;
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const chart of report.charts.filter((c) => c.status !== 'not-released')) {
    const entry = journal[chart.name]?.version === chart.version ? journal[chart.name] : undefined;
    const line = chart;
    const prepared = report.ok && Boolean(entry?.release);
    const error: Partial<ReleaseErrorJSON> | undefined = prepared
      ? undefined
      : (errors.find((e) => e.chart === chart.name) ?? errors[0] ?? { message: line?.why ?? 'the leg stopped before its draft release was made.' });
    const files: LegResult['files'] = [];
    const keep = async (path: string | undefined): Promise<string | undefined> => {
      if (!path) return undefined;
      const name = join(chart.name, basename(path));
      await mkdir(join(outDir, chart.name), { recursive: true });
      await copyFile(path, join(outDir, name));
      files.push({ path: name, sha256: await fileSha256(path) });
      return name;
    };
    const signed = entry?.signed;
    const result: LegResult = {
      schemaVersion: 1,
      kind: 'chart-release/matrix-leg',
      run: {
        fingerprint: report.fingerprint!,
        head: report.head,
        base: report.base,
        ...(env.GITHUB_RUN_ID ? { id: env.GITHUB_RUN_ID } : {}),
        ...(env.GITHUB_RUN_ATTEMPT ? { attempt: env.GITHUB_RUN_ATTEMPT } : {}),
        finishedAt: new Date().toISOString(),
      },
      chart: { name: chart.name, path: chart.path, version: chart.version },
      status: prepared ? 'prepared' : 'failed',
      ...(prepared
        ? {}
        : {
            error: {
              code: error?.code ?? entry?.failed?.code ?? 'STEP_FAILED',
              message: error?.message ?? entry?.failed?.message ?? 'the leg stopped before its draft release was made.',
              ...(error?.hint ? { hint: error.hint } : {}),
              ...(entry?.failed?.step ? { step: entry.failed.step } : {}),
            },
          }),
      ...(entry?.pushed ? { ref: entry.pushed.ref, digest: entry.pushed.digest } : {}),
      ...(entry?.packaged ? { package: { file: (await keep(entry.packaged.file))!, sha256: entry.packaged.sha256 } } : {}),
      ...(signed
        ? {
            signature: {
              mode: signed.mode,
              ...(signed.referrerDigest ? { referrer: signed.referrerDigest } : {}),
              ...(signed.certificateIdentity ? { certificateIdentity: signed.certificateIdentity } : {}),
              ...(signed.issuer ? { issuer: signed.issuer } : {}),
              ...(signed.signaturePath ? { signature: await keep(signed.signaturePath) } : {}),
              ...(signed.bundlePath ? { bundle: await keep(signed.bundlePath) } : {}),
            },
          }
        : {}),
      ...(entry?.attested !== undefined
        ? {
            attestation: entry.attested && {
              predicateType: entry.attested.predicateType,
              referrer: entry.attested.referrerDigest,
              ...(entry.attested.githubId !== undefined ? { githubId: entry.attested.githubId } : {}),
              reused: entry.attested.reused,
            },
          }
        : {}),
      ...(entry?.lineage ? { lineage: { file: (await keep(entry.lineage.file))!, sha256: entry.lineage.sha256 } } : {}),
      // a failed leg deletes its own draft (unless --keep-drafts): only a draft still there is named
      ...(entry?.release && (prepared || line?.release)
        ? { release: { id: entry.release.id, tag: entry.release.tag, url: entry.release.url, draft: entry.release.draft } }
        : {}),
      files,
    };
    const file = join(outDir, `${chart.name}${SUFFIX}`);
    await writeJsonFile(file, result);
    written.push(file);
  }
  return written;
}

/**
 * Every leg result under `dir` (at any depth: actions/download-artifact puts each artifact in its own folder);
 * a file that cannot be read or is outside the schema is a LEG_RESULT_INVALID problem.
 */
export async function readLegResults(dir: string): Promise<{ legs: ReadLeg[]; problems: ReleaseError[] }> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith(SUFFIX)).sort();
  } catch (error) {
    throw new ReleaseError('LEG_RESULT_INVALID', `cannot read the leg results in ${dir}: ${(error as Error).message}`, {
      file: dir,
      hint: "pass the folder the legs' artifacts were downloaded to (actions/download-artifact with pattern and path).",
    });
  }
  const legs: ReadLeg[] = [];
  const problems: ReleaseError[] = [];
  const validate = validatorOfLeg();
  for (const name of names) {
    const file = join(dir, name);
    try {
      const data: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (!validate(data))
        throw new Error(`outside its schema: ${(validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ')}`);
      legs.push({ file, result: data as LegResult });
    } catch (error) {
      problems.push(
        new ReleaseError('LEG_RESULT_INVALID', `the leg result ${name} cannot be used: ${(error as Error).message}`, {
          file,
          hint: "re-run that chart's leg ('chart-release publish --chart NAME --phase prepare'); see schemas/matrix-leg.v1.schema.json.",
        }),
      );
    }
  }
  return { legs, problems };
}

/**
 * The stage outputs a prepared leg recorded, with its files copied to where this run's plan puts them (package,
 * signatures, lineage) after checking each file's sha256. Throws LEG_RESULT_INVALID for a file missing or changed.
 */
export async function adoptLegFiles(leg: ReadLeg, chart: PlannedChart): Promise<ChartOutputs> {
  const r = leg.result;
  const from = dirname(leg.file);
  const place = async (path: string | undefined, to: string): Promise<string | undefined> => {
    if (!path) return undefined;
    const listed = r.files.find((f) => f.path === path);
    const source = join(from, path);
    const actual = await fileSha256(source).catch(() => undefined);
    if (!listed || actual !== listed.sha256) {
      throw new ReleaseError('LEG_RESULT_INVALID', `${relative(process.cwd(), source)} ${actual ? 'is not the file the leg made' : 'is missing'}.`, {
        chart: chart.name,
        file: leg.file,
        hint: "upload the leg's whole output folder as its artifact, or re-run the leg.",
      });
    }
    await mkdir(dirname(to), { recursive: true });
    if (source !== to) await copyFile(source, to);
    return to;
  };
  const lineageTo = chart.assets.find((a) => a.kind === 'lineage')!.source;
  const outputs: ChartOutputs = {};
  if (r.package) outputs.packaged = { file: (await place(r.package.file, chart.packagePath))!, sha256: r.package.sha256 };
  if (r.ref && r.digest) outputs.pushed = { ref: r.ref, digest: r.digest, status: 'exists' };
  if (r.signature) {
    const s = r.signature;
    outputs.signed = {
      mode: s.mode,
      ...(s.referrer ? { referrerDigest: s.referrer } : {}),
      ...(s.certificateIdentity ? { certificateIdentity: s.certificateIdentity } : {}),
      ...(s.issuer ? { issuer: s.issuer } : {}),
      ...(s.signature ? { signaturePath: await place(s.signature, `${chart.packagePath}.sig`) } : {}),
      ...(s.bundle ? { bundlePath: await place(s.bundle, `${chart.packagePath}.sigstore.json`) } : {}),
    };
  }
  if (r.attestation !== undefined)
    outputs.attested = r.attestation && {
      predicateType: r.attestation.predicateType,
      referrerDigest: r.attestation.referrer,
      ...(r.attestation.githubId !== undefined ? { githubId: r.attestation.githubId } : {}),
      reused: true,
    };
  if (r.lineage) outputs.lineage = { file: (await place(r.lineage.file, lineageTo))!, sha256: r.lineage.sha256 };
  if (r.release) outputs.release = { chart: chart.name, ...r.release, created: false };
  return outputs;
}
