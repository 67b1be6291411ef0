import { planPush, pushChart } from '@chart-release/oci';
import { runBounded } from '../concurrency.ts';
import type { ReleaseConfig } from '../config.ts';
import { asProblem } from '../preflight.ts';
import type { PlannedChart } from '../plan.ts';
import type { Problem, PushedChart, Stage } from '../stage.ts';
import type { RegistryContext } from './clients.ts';
import type { HelmContext } from './package-stage.ts';

/** Pushes each chart to its planned OCI reference; its preflight checks push rights and that no tag holds other content. */
export function createPushStage(config: ReleaseConfig, registry: RegistryContext, helm: HelmContext): Stage<'pushed'> {
  /** The recorded push as this run sees it when the chart's tag still names its digest, else null (one HEAD). */
  const tagStillNames = async (chart: PlannedChart, recorded: PushedChart): Promise<PushedChart | null> => {
    const found = await registry.client.checkManifest(registry.repositoryOf(chart.name), chart.ociTag);
    return found?.digest === recorded.digest ? { ...recorded, status: 'exists' } : null;
  };
  return {
    name: 'pushed',
    phase: 'chart',
    verb: 'pushing',
    writes: (plan) => plan.charts.map((c) => ({ stage: 'pushed', chart: c.name, system: 'registry', kind: 'tag', target: c.ociRef })),
    async preflight(plan, prepared) {
      try {
        await registry.client.checkAuth(registry.repositoryOf(plan.charts[0]!.name), ['pull', 'push']);
      } catch (error) {
        // an unreachable registry or refused credentials: one problem, not one per chart
        return [asProblem(error, 'registry')];
      }
      const problems: Problem[] = [];
      await runBounded(plan.charts, config.concurrency, async (chart) => {
        const pkg = prepared.get(chart.name)?.packaged;
        if (!pkg) return; // not packaged: packaging reported why
        await planPush({ tgz: pkg.file, registry: config.registry, client: registry.client }).catch((error: unknown) =>
          problems.push(asProblem(error, 'registry')),
        );
      });
      return problems;
    },
    /** A finished run's tags: each still names the digest it recorded (one HEAD per chart). */
    async confirm(runs) {
      const confirmed = new Map<string, PushedChart>();
      await runBounded(runs, config.concurrency, async ({ chart, outputs }) => {
        const found = outputs.pushed && (await tagStillNames(chart, outputs.pushed).catch(() => null));
        if (found) confirmed.set(chart.name, found);
      });
      return confirmed;
    },
    async run(_chart, { packaged }, { log }) {
      const result = await pushChart({
        tgz: packaged!.file,
        registry: config.registry,
        client: registry.client,
        mode: config.pushMode,
        helm: {
          ...helm,
          flags: { plainHttp: config.plainHttp, caFile: config.caFile, insecureSkipTlsVerify: config.insecureSkipTlsVerify },
          credentials: registry.credentials,
        },
        logger: log,
      });
      log.info(`${result.status === 'exists' ? 'already in the registry' : 'pushed'}: ${result.ref}@${result.digest}`);
      return { ref: result.ref, digest: result.digest, status: result.status };
    },
    /** The chart's tag, read from the registry, still names the recorded digest. */
    readBack: ({ chart }, recorded) => tagStillNames(chart, recorded),
    report(output, line) {
      Object.assign(line, { ref: output.ref, digest: output.digest, push: output.status });
      return output.status === 'exists' ? `already in the registry ${output.digest}` : output.digest;
    },
  };
}
