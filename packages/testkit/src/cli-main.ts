import { cliReport, parseCli, registerSecret, ReleaseError, runCli, writeJson, writeStderr, writeStdout } from '@chart-release/core';
import { ensureHelm, findSystemTools } from './tools.ts';
import { startRegistry } from './registry.ts';
import { startSigstoreStack } from './sigstore-stack.ts';
import { HELP, NAME } from './cli-help.ts';

const OPTIONS = {
  port: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  sub: { type: 'string' },
} as const;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, OPTIONS, NAME, { aliases: { user: 'username' } });
  const command = positionals[0];
  if (values.help || !command) {
    writeStdout(HELP);
    return values.help ? 0 : 2;
  }
  if (command === 'install-tools') {
    const log = (line: string) => writeStderr(`testkit: ${line}\n`);
    const helm4 = await ensureHelm(4, log);
    const helm3 = await ensureHelm(3, log);
    const system = await findSystemTools();
    const result = { helm4, helm3, ...system };
    if (values.json) writeJson(cliReport(result));
    else writeStdout(`helm v4: ${helm4}\nhelm v3: ${helm3}\n`);
    return 0;
  }
  if (command === 'registry') {
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
      throw new ReleaseError('USAGE', `--port must be a port number, got '${values.port}'`, { hint: 'pass --port 0 (or no --port) for any free port' });
    if (Boolean(values.username) !== Boolean(values.password))
      throw new ReleaseError('USAGE', '--username and --password go together.', { hint: `${NAME} registry --username ci --password s3cret` });
    registerSecret(values.password);
    const registry = await startRegistry({
      port,
      basicAuth: values.username && values.password ? { username: values.username, password: values.password } : undefined,
    });
    writeStdout(values.json ? `${JSON.stringify(cliReport({ host: registry.host, url: registry.url }))}\n` : `registry at ${registry.url}\n`);
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
    // the identity token is printed on purpose (a throwaway of this local stack), so this bypasses redaction
    process.stdout.write(
      values.json
        ? `${JSON.stringify(cliReport(info))}\n`
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
  throw new ReleaseError('USAGE', `unknown command '${command}'.`, { hint: `use install-tools, registry or sigstore; run '${NAME} --help'` });
}

await runCli(NAME, main);
