#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ensureHelm, findSystemTools } from './tools.ts';
import { startRegistry } from './registry.ts';
import { startSigstoreStack } from './sigstore-stack.ts';

const HELP = `chart-release-testkit: real components for testing chart release automation

Usage:
  chart-release-testkit install-tools [--json]   install helm v4 and v3 (pinned, verified) into the cache
  chart-release-testkit registry [--port N] [--user U --password P]
                                                 run a docker-registry on 127.0.0.1 until interrupted
  chart-release-testkit sigstore [--sub IDENTITY]  run a local Sigstore (OIDC issuer, Fulcio, Rekor) until interrupted;
                                                 prints the URLs, the trusted root and an identity token for IDENTITY
Options:
  --json     machine-readable output
  -h, --help this help
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      port: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      sub: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 1;
  }
  if (command === 'install-tools') {
    const log = (line: string) => process.stderr.write(`testkit: ${line}\n`);
    const helm4 = await ensureHelm(4, log);
    const helm3 = await ensureHelm(3, log);
    const system = await findSystemTools();
    const result = { helm4, helm3, ...system };
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `helm v4: ${helm4}\nhelm v3: ${helm3}\n`);
    return 0;
  }
  if (command === 'registry') {
    const registry = await startRegistry({
      port: values.port ? Number(values.port) : undefined,
      basicAuth: values.user && values.password ? { username: values.user, password: values.password } : undefined,
    });
    process.stdout.write(values.json ? `${JSON.stringify({ host: registry.host, url: registry.url })}\n` : `registry at ${registry.url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await registry.stop();
    return 0;
  }
  if (command === 'sigstore') {
    const stack = await startSigstoreStack();
    const sub = values.sub ?? 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/release';
    const info = {
      fulcioUrl: stack.fulcioUrl,
      rekorUrl: stack.rekorUrl,
      issuer: stack.oidc.issuer,
      trustedRootPath: stack.trustedRootPath,
      identity: sub,
      identityToken: stack.oidc.mintToken({ sub, ttlSeconds: 3600 }),
    };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(info)}\n`
        : `${Object.entries(info)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n')}\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await stack.stop();
    return 0;
  }
  process.stderr.write(`unknown command '${command}'\n\n${HELP}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chart-release-testkit: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
