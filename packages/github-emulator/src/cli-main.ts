import { readFileSync } from 'node:fs';
import { cliReport, createLogger, parseCli, registerSecret, ReleaseError, runCli, writeStdout } from '@chart-release/core';
import { startGitHubEmulator } from './emulator.ts';
import type { EmulatorSeed } from './seed.ts';
import { HELP } from './cli-help.ts';

async function main(argv: string[]): Promise<number> {
  const { values } = parseCli(
    argv,
    {
      port: { type: 'string' },
      token: { type: 'string', multiple: true },
      'read-only-token': { type: 'string', multiple: true },
      login: { type: 'string' },
      state: { type: 'string' },
      seed: { type: 'string' },
      strict: { type: 'boolean' },
      'no-strict': { type: 'boolean' },
      latency: { type: 'string' },
      enterprise: { type: 'boolean' },
    },
    'github-emulator',
  );
  if (values.help) {
    writeStdout(HELP);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ReleaseError('USAGE', `--port must be a port number, got '${values.port}'`, { hint: 'pass --port 0 for any free port' });
  }
  const latencyMs = values.latency === undefined ? undefined : Number(values.latency);
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) {
    throw new ReleaseError('USAGE', `--latency must be a number of milliseconds, got '${values.latency}'`, { hint: 'e.g. --latency 50' });
  }
  for (const token of [...(values.token ?? []), ...(values['read-only-token'] ?? [])]) registerSecret(token);
  const emulator = await startGitHubEmulator({
    port,
    token: values.token?.length ? values.token : undefined,
    readOnlyTokens: values['read-only-token'],
    login: values.login,
    statePath: values.state,
    seed: values.seed ? readSeed(values.seed) : undefined,
    strict: values['no-strict'] ? false : true,
    latencyMs,
    enterprise: values.enterprise,
    logger: createLogger({ actions: false }),
  });
  const generated = !values.token?.length;
  if (values.json)
    process.stdout.write(
      `${JSON.stringify(cliReport({ url: emulator.url, uploadsUrl: emulator.uploadsUrl, webUrl: emulator.webUrl, storageUrl: emulator.storageUrl, pagesUrl: emulator.pagesUrl, ...(generated ? { token: emulator.token } : {}) }))}\n`,
    );
  else {
    process.stdout.write(`github-emulator listening at ${emulator.url} (uploads ${emulator.uploadsUrl}, web ${emulator.webUrl}, Pages ${emulator.pagesUrl})\n`);
    // a generated token is printed so the user can use it; it is a throwaway for this process
    if (generated) process.stdout.write(`token: ${emulator.token}\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.stop();
  return 0;
}

function readSeed(file: string): EmulatorSeed {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EmulatorSeed;
  } catch (error) {
    throw new ReleaseError('EMULATOR_SEED_UNREADABLE', `cannot read the seed fixtures: ${(error as Error).message}`, {
      file,
      hint: 'pass a JSON file shaped like EmulatorSeed ({"repos": [{"owner": "o", "name": "r"}]})',
    });
  }
}

await runCli('github-emulator', main);
