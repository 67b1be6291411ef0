import type { Logger, ReleaseError } from '@chart-release/core';
import type { PlannedChart, ReleasePlan } from './plan.ts';
import type { ChartReport } from './report.ts';

/** The chart archive, packaged locally (reproducibly) before preflight. */
export interface PackagedChart {
  file: string;
  sha256: string;
}
/** The chart in the registry: its reference and manifest digest, and whether this run pushed it. */
export interface PushedChart {
  ref: string;
  digest: string;
  status: 'pushed' | 'exists';
}
/** The signatures of the pushed digest (a referrer or the `.sig` tag) and of the package as a blob (release files). */
export interface SignedChart {
  mode: 'cosign' | 'sigstore' | 'key' | 'none';
  referrerDigest?: string;
  /** Identity and issuer as the signing certificate states them (keyless). */
  certificateIdentity?: string;
  issuer?: string;
  signaturePath?: string;
  bundlePath?: string;
}
/** The SLSA build provenance of the pushed digest. */
export interface AttestedChart {
  predicateType: string;
  referrerDigest: string;
  /** Id of the attestation in GitHub's attestations API. */
  githubId?: number;
  /** Found from an earlier attempt rather than made now. */
  reused: boolean;
}
/**
 * The chart's attestation lineage: the file attached to its release and its digest. The document stays on disk: the
 * journal holds every chart's outputs and is rewritten after every step, so what it holds is what each rewrite costs.
 */
export interface ChartLineage {
  file: string;
  sha256: string;
}
/** The chart's GitHub release (a draft until the publish step makes it public). */
export interface DraftedRelease {
  chart: string;
  id: number;
  tag: string;
  url: string;
  draft: boolean;
  /** Created by this attempt (deleted on failure) rather than found. */
  created: boolean;
}

/**
 * What each stage returns for one chart, by stage name. A stage added in its own module declares its entry there:
 * `declare module '../stage.ts' { interface StageOutputs { audit: AuditNote } }`.
 */
export interface StageOutputs {
  packaged: PackagedChart;
  pushed: PushedChart;
  signed: SignedChart;
  /** Absent when the run makes no provenance (signing off or by key). */
  attested: AttestedChart | null;
  lineage: ChartLineage;
  release: DraftedRelease;
  /** The chart's entry in the Helm repository index (`name@version` written, or already listed). */
  index: { entry: string; added: boolean };
}
export type StageName = keyof StageOutputs;
/** The outputs the stages so far returned for one chart (a later stage's inputs). */
export type ChartOutputs = Partial<StageOutputs>;

/** A preflight finding that does not stop the run. */
export interface PreflightWarning {
  warning: string;
  chart?: string;
  file?: string;
}
/** A preflight finding: a ReleaseError stops the run before anything is written; a warning is reported. */
export type Problem = ReleaseError | PreflightWarning;

/** True for the warnings among preflight problems. */
export function isWarning(problem: Problem): problem is PreflightWarning {
  return typeof (problem as PreflightWarning).warning === 'string';
}

/**
 * One write the run will make outside this machine. `plan --json` lists them all; a run makes these and no others
 * (a write whose result is already there, on a re-run, is skipped).
 */
export interface PlannedWrite {
  stage: string;
  chart?: string;
  system: 'registry' | 'github';
  /**
   * registry: `tag` (a manifest under a tag), `referrer` (a manifest by digest whose subject is the chart);
   * github: `release` (create the draft), `asset` (upload one file), `publish` (make the draft public), `ref`
   * (create, move or delete a git ref), or a kind a later stage adds.
   */
  kind: string;
  /** What is written: `oci://host/ns/chart:tag`, `oci://host/ns/chart@<referrer of ...>`, a release tag, `<tag>/<asset>`, `refs/...`. */
  target: string;
}

/** What a stage's run is given besides the chart: the whole plan, and the chart's (or the run's) logger. */
export interface RunContext {
  plan: ReleasePlan;
  log: Logger;
}

/** One chart with what the stages returned for it, as publish, finalize and abort see it. */
export interface ChartRun {
  chart: PlannedChart;
  outputs: ChartOutputs;
}

/**
 * One stage of a publish run; stages run in the order the wiring lists them:
 * - `prepare` stages run per chart before preflight and write nothing remote (packaging);
 * - every stage's `preflight` runs in one round, read-only, and returns every problem it finds;
 * - `chart` stages run per chart, in order, each given the earlier stages' outputs for that chart;
 * - once every chart got through, `publish` makes each chart's result public (rolling forward: no undo after the
 *   first), then `finalize` runs once per stage that has one (the index);
 * - on a failure before publishing, `abort` of the stages undoes what is not yet public (in reverse order);
 * - a re-run of a finished run (see `confirmFinishedRun`) runs none of these: the stages' `confirm` reads stand in.
 * In a matrix run each leg runs the `prepare` and `chart` stages for its chart; the finalize job takes the legs'
 * outputs (`readBack` checks them), then runs `publish` and `finalize` over every chart (or `abort`).
 */
export interface Stage<K extends StageName = StageName> {
  readonly name: K;
  readonly phase: 'prepare' | 'chart' | 'finalize';
  /** Progress word while it runs (`pushing`); the stage name by default. */
  readonly verb?: string;
  /** The remote writes this stage will make for the plan. */
  writes?(plan: ReleasePlan): PlannedWrite[];
  /** Read-only checks of everything this stage will do: every problem at once, never a throw for a user error. */
  preflight?(plan: ReleasePlan, prepared: ReadonlyMap<string, ChartOutputs>): Promise<Problem[]>;
  /** Does the stage's work for one chart (`prepare` and `chart` stages). */
  run?(chart: PlannedChart, inputs: ChartOutputs, ctx: RunContext): Promise<StageOutputs[K]>;
  /**
   * Reads back an output another process recorded for the chart (a matrix leg, before finalize): the output as it
   * is now, or null when it is not there (gone, or other content). Read-only; stages without it are taken at their word.
   */
  readBack?(run: ChartRun, recorded: StageOutputs[K], ctx: RunContext): Promise<StageOutputs[K] | null>;
  /** Makes one chart's result public once every chart got through; returns the changed output, or undefined. */
  publish?(run: ChartRun, ctx: RunContext): Promise<StageOutputs[K] | undefined>;
  /** Runs once after every chart is public (the index); returns this stage's outputs, by chart name. */
  finalize?(charts: ChartRun[], ctx: RunContext): Promise<Map<string, StageOutputs[K]>>;
  /**
   * Read-only: whether the outputs an earlier run recorded for these charts are still true outside (a re-run of a
   * finished run); returns the output as this run sees it for each chart it confirms, and leaves out the others.
   */
  confirm?(charts: ChartRun[], ctx: RunContext): Promise<Map<string, StageOutputs[K]>>;
  /** Undoes this run's writes that are not yet public after a failure; returns the charts it undid. */
  abort?(charts: ChartRun[], ctx: RunContext): Promise<string[]>;
  /**
   * Finds and undoes what this plan wrote for charts whose outputs never arrived (a matrix leg stopped after a
   * write, before handing on its result), known only from the remote side; returns the charts it undid.
   */
  sweep?(charts: PlannedChart[], ctx: RunContext): Promise<string[]>;
  /** Copies the output into the chart's report line; returns the progress detail to show. */
  report?(output: StageOutputs[K], line: ChartReport): string | undefined;
}

/** Any stage, with its output type tied to its name. */
export type AnyStage = { [K in StageName]: Stage<K> }[StageName];
