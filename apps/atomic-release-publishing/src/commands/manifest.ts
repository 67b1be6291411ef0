import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createLogger, parseCli, ReleaseError } from '@chart-release/core';
import { parseOciReference } from '@chart-release/oci';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectionFlags } from '../cli-options.ts';
import { loadConfig } from '../config.ts';
import type { JournalData } from '../journal.ts';
import { readManifest, verifyManifest, writeManifest } from '../manifest.ts';
import { manifestFromJournal } from '../run-manifest.ts';
import { registryContext } from '../wiring/clients.ts';
import { chartLayerSha256, verificationPolicy, verifyDigestSignature } from '../wiring/registry-views.ts';

const VERIFY_HELP = `Usage: chart-release verify <release-manifest.json> [options]
       chart-release manifest verify <release-manifest.json> [options]

Checks a release manifest against the world: its schema; for every artifact that its tag still resolves to its
digest, that the chart layer is the package it names (sha256), and that the digest carries a signature from the
identity the manifest records (or --identity/--issuer/--public-key). Exit 1 when anything does not match.

Options:
  --identity, --identity-regexp, --issuer, --public-key   override the manifest's signing policy
  --json                                                  per-artifact results as JSON
${CONNECTION_HELP}
`;

const GENERATE_HELP = `Usage: chart-release manifest generate [--work-dir .chart-release] [--out release-manifest.json] [--json]

Writes the release manifest of the last publish run from its journal in the work folder (publish writes it
itself; this regenerates it, e.g. after the file was lost).
`;

const POLICY = { identity: { type: 'string' }, 'identity-regexp': { type: 'string' }, issuer: { type: 'string' }, 'public-key': { type: 'string' } } as const;

/** `chart-release verify <manifest>`. */
export async function verifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, { ...CONNECTION_OPTIONS, ...POLICY }, 'chart-release verify');
  if (values.help) {
    process.stdout.write(VERIFY_HELP);
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
  const ok = results.every((r) => r.ok);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ok, manifest: resolve(path), artifacts: results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      process.stdout.write(`${r.ok ? '✔' : '✖'} ${r.name} ${r.version} ${r.digest}\n`);
      for (const c of r.checks) process.stdout.write(`    ${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}\n`);
    }
    process.stdout.write(ok ? `${results.length} artifacts verified\n` : `verification failed\n`);
  }
  return ok ? 0 : 1;
}

/** `chart-release manifest generate|verify`. */
export async function manifestCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'verify') return verifyCommand(rest);
  if (sub !== 'generate') {
    process.stdout.write(`Usage: chart-release manifest generate|verify ...\n\n${GENERATE_HELP}\n${VERIFY_HELP}`);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  const { values } = parseCli(
    rest,
    { 'work-dir': { type: 'string' }, out: { type: 'string' }, config: { type: 'string' }, cwd: { type: 'string' }, registry: { type: 'string' } },
    'chart-release manifest generate',
  );
  if (values.help) {
    process.stdout.write(GENERATE_HELP);
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
  process.stdout.write(values.json ? `${JSON.stringify({ ok: true, manifest: out }, null, 2)}\n` : `wrote ${out} (${manifest.artifacts.length} artifacts)\n`);
  return 0;
}
