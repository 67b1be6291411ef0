import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '..', 'src', 'cli.ts');
const node = [process.execPath, '--conditions=@chart-release/source', cli];
const dir = mkdtempSync(join(tmpdir(), 'github-emulator-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('github-emulator CLI', () => {
  it('--help prints the usage and exits 0', () => {
    const result = spawnSync(node[0]!, [...node.slice(1), '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage:');
    expect(result.stdout).toContain('--state FILE');
  });

  it('a bad --port is a usage error (exit 2)', () => {
    const result = spawnSync(node[0]!, [...node.slice(1), '--port', 'eighty'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port');
  });

  it('serves the seeded API, prints its URL as JSON, and saves the state when stopped', async () => {
    const seed = join(dir, 'fixtures.json');
    const state = join(dir, 'state.json');
    writeFileSync(seed, JSON.stringify({ repos: [{ owner: 'acme', name: 'charts' }] }));
    const child = spawn(
      node[0]!,
      [...node.slice(1), '--port', '0', '--token', 'ghp_clitoken00000000000000000000000000', '--seed', seed, '--state', state, '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const { url } = JSON.parse(line) as { url: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/repos/acme/charts/releases`, {
        method: 'POST',
        headers: { authorization: 'token ghp_clitoken00000000000000000000000000' },
        body: JSON.stringify({ tag_name: 'app-v1.0.0' }),
      });
      expect(response.status).toBe(201);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { state: { repos: { releases: { tag_name: string }[] }[] } };
    expect(saved.state.repos[0]!.releases.map((r) => r.tag_name)).toEqual(['app-v1.0.0']);
  });
});
