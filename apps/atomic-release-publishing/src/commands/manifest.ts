import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  cliReport,
  createLogger,
  formatHelp,
  parseCli,
  ReleaseError,
  writeErrorLines,
  writeJson,
  writeStdout,
  type ReleaseErrorJSON,
} from '@chart-release/core';
import { chartLayerSha256, parseOciReference } from '@chart-release/oci';
import { CONNECTION_OPTIONS, CONNECTION_SECTIONS, connectionFlags } from '../cli-options.ts';
import { loadConfig } from '../config.ts';
import type { JournalData } from '../journal.ts';
import { readManifest, verifyManifest, writeManifest } from '../manifest.ts';
import { manifestFromJournal } from '../run-manifest.ts';
import { registryContext } from '../wiring/clients.ts';
import { verificationPolicy, verifyDigestSignature } from '../wiring/registry-views.ts';

const VERIFY_HELP = formatHelp({
  command: 'chart-release verify',
  summary: 'check a release manifest against the registry and the signatures',
  usage: ['chart-release verify <release-manifest.json> [options]', 'chart-release manifest verify <release-manifest.json> [options]'],
  description: `Checks a release manifest against the world: its schema; for every artifact that its tag still resolves to its
digest, that the chart layer is the package it names (sha256), and that the digest carries a signature from the
identity the manifest records (or --identity/--issuer/--public-key). Exit 1 when anything does not match.`,
  options: `  --identity, --identity-regexp, --issuer, --public-key   override the manifest's signing policy
  --json                                                  print {ok, charts (per artifact), errors, warnings, manifest}
  -h, --help                                              show this help`,
  sections: CONNECTION_SECTIONS,
});

const GENERATE_HELP = formatHelp({
  command: 'chart-release manifest generate',
  summary: 'write the release manifest of the last publish run from its journal',
  usage: ['chart-release manifest generate [--work-dir .chart-release] [--out release-manifest.json] [--json]'],
  description: `Writes the release manifest of the last publish run from its journal in the work folder (publish writes it
itself; this regenerates it, e.g. after the file was lost).`,
  options: `  --work-dir <dir>   the work folder of the run (default .chart-release)
  --out <file>       where to write it (default <work-dir>/release-manifest.json)
  --config <file>, --cwd <dir>, --registry oci://host/ns   as for publish
  --json             print {ok, charts (the artifacts), errors, warnings, manifest} on stdout
  -h, --help         show this help`,
});

const POLICY = { identity: { type: 'string' }, 'identity-regexp': { type: 'string' }, issuer: { type: 'string' }, 'public-key': { type: 'string' } } as const;

/** `chart-release verify <manifest>`. */
export async function verifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, { ...CONNECTION_OPTIONS, ...POLICY }, 'chart-release verify');
  if (values.help) {
    writeStdout(VERIFY_HELP);
    return 0;
  }
  const path = positionals[0];
  if (!path) throw new ReleaseError('USAGE', 'missing the manifest file.', { hint: 'chart-release verify release-manifest.json' });
  const manifest = await readManifest(path);
  const config = loadConfig({
    cwd: values.cwd ?? process.cwd(),
    env: process.env,
    flags: { ...connectionFlags(values), registry: values.registry ?? manifest.registry },
  });
  const registry = registryContext(config, process.env, createLogger());
  const publicKeyPem = values['public-key'] ? await readFile(values['public-key'], 'utf8') : undefined;
  const results = await verifyManifest(manifest, {
    resolveTag: async (a) => (await registry.client.checkManifest(parseOciReference(a.uri).repository, a.tag))?.digest,
    chartLayerSha256: (a) => chartLayerSha256(registry.client, parseOciReference(a.uri).repository, a.digest),
    verifySignature: async (a, m) => {
      const policy = verificationPolicy(config, {
        identity: values.identity ?? m.signing.identity,
        identityRegexp: values['identity-regexp'] ?? m.signing.identityRegexp,
        issuer: values.issuer ?? m.signing.issuer,
        publicKeyPem,
      });
      await verifyDigestSignature(registry.client, config, parseOciReference(a.uri).repository, a.digest, policy, a.name);
    },
  });
  const errors: ReleaseErrorJSON[] = results
    .filter((r) => !r.ok)
    .map((r) =>
      new ReleaseError(
        'RELEASE_MANIFEST_MISMATCH',
        `${r.name} ${r.version} (${r.digest}): ${r.checks
          .filter((c) => !c.ok)
          .map((c) => `${c.check}: ${c.detail}`)
          .join('; ')}.`,
        {
          chart: r.name,
          file: path,
        },
      ).toJSON(),
    );
  if (values.json) {
    writeJson(cliReport({ charts: results, errors, manifest: resolve(path) }));
  } else {
    for (const r of results) {
      writeStdout(`${r.ok ? '✔' : '✖'} ${r.name} ${r.version} ${r.digest}\n`);
      for (const c of r.checks) writeStdout(`    ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}\n`);
    }
    writeStdout(errors.length ? `verification failed\n` : `${results.length} artifacts verified\n`);
  }
  writeErrorLines('chart-release verify', errors);
  return errors.length ? 1 : 0;
}

/** `chart-release manifest generate|verify`. */
export async function manifestCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'verify') return verifyCommand(rest);
  if (sub !== 'generate') {
    if (sub === '--help' || sub === '-h') {
      writeStdout(`${GENERATE_HELP}\n${VERIFY_HELP}`);
      return 0;
    }
    throw new ReleaseError('USAGE', sub ? `unknown manifest command '${sub}'.` : 'missing the manifest command.', {
      hint: "use 'chart-release manifest generate' or 'chart-release manifest verify <file>'",
    });
  }
  const { values } = parseCli(
    rest,
    { 'work-dir': { type: 'string' }, out: { type: 'string' }, config: { type: 'string' }, cwd: { type: 'string' }, registry: { type: 'string' } },
    'chart-release manifest generate',
  );
  if (values.help) {
    writeStdout(GENERATE_HELP);
    return 0;
  }
  const config = loadConfig({
    cwd: values.cwd ?? process.cwd(),
    env: process.env,
    flags: { workDir: values['work-dir'], config: values.config, registry: values.registry ?? 'oci://unset.invalid/x' },
  });
  const journalPath = join(config.workDir, 'journal.json');
  let journal: JournalData;
  try {
    journal = JSON.parse(await readFile(journalPath, 'utf8')) as JournalData;
  } catch {
    throw new ReleaseError('RELEASE_MANIFEST_INVALID', `no publish journal at ${journalPath}.`, {
      file: journalPath,
      hint: 'run it in the repository where chart-release publish ran, or pass --work-dir.',
    });
  }
  const previous = await readManifest(join(config.workDir, 'release-manifest.json')).catch(() => undefined);
  const manifest = manifestFromJournal(
    journal,
    previous && {
      registry: previous.registry,
      repository: previous.repository,
      base: previous.base,
      runUrl: previous.runUrl,
      signing: previous.signing,
      promotions: previous.promotions,
    },
  );
  const out = values.out ?? join(config.workDir, 'release-manifest.json');
  await writeManifest(out, manifest);
  if (values.json) writeJson(cliReport({ charts: manifest.artifacts, manifest: out }));
  else writeStdout(`wrote ${out} (${manifest.artifacts.length} artifacts)\n`);
  return 0;
}
