import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

async function repoWith(config?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cfg-'));
  if (config !== undefined) await writeFile(join(dir, '.chart-release.yaml'), config);
  return dir;
}

describe('configuration', () => {
  it('defaults the registry to ghcr.io of the lower-cased repository owner', async () => {
    const config = loadConfig({ cwd: await repoWith(), env: { GITHUB_REPOSITORY: 'Acme/Charts', GITHUB_REPOSITORY_OWNER: 'Acme' } });
    expect(config.registry).toBe('oci://ghcr.io/acme/charts');
    expect(config.chartDirs).toEqual(['charts']);
    expect(config.release.tagTemplate).toBe('{name}-v{version}');
    expect(config.signing.issuer).toBe('https://token.actions.githubusercontent.com');
    expect(config.github.apiUrl).toBe('https://api.github.com');
    expect(config.lint).toBe('error');
    expect(config.release.requiredAssets).toEqual(['package', 'signature', 'lineage']);
  });

  it('reads lint: error | warn | off and refuses another value', async () => {
    expect(loadConfig({ cwd: await repoWith('lint: warn\n'), env: {}, flags: { registry: 'oci://r.example/c' } }).lint).toBe('warn');
    const strict = await repoWith('lint: strict\n');
    expect(() => loadConfig({ cwd: strict, env: {}, flags: { registry: 'oci://r.example/c' } })).toThrow(/\/lint must be equal to one of the allowed values/);
  });

  it('lower-cases the repository path of a configured registry, as the README example with a mixed-case owner needs', async () => {
    const cwd = await repoWith('registry: oci://Registry.Example.com:5000/Acme-Corp/Charts\n');
    expect(loadConfig({ cwd, env: {} }).registry).toBe('oci://Registry.Example.com:5000/acme-corp/charts');
    expect(loadConfig({ cwd, env: {}, flags: { registry: 'oci://ghcr.io/Example-Org/charts/' } }).registry).toBe('oci://ghcr.io/example-org/charts');
  });

  it('reads .chart-release.yaml and lets env and flags override it', async () => {
    const cwd = await repoWith('registry: oci://registry.example.com/team\nchartDirs: [charts, addons]\nconcurrency: 2\nsigning:\n  mode: key\n');
    const config = loadConfig({
      cwd,
      env: { GITHUB_API_URL: 'https://ghe.example.com/api/v3/', GITHUB_WORKFLOW_REF: 'acme/charts/.github/workflows/release.yaml@refs/heads/release' },
      flags: { concurrency: 6 },
    });
    expect(config.registry).toBe('oci://registry.example.com/team');
    expect(config.chartDirs).toEqual(['charts', 'addons']);
    expect(config.concurrency).toBe(6);
    expect(config.signing.mode).toBe('key');
    expect(config.github.apiUrl).toBe('https://ghe.example.com/api/v3');
    expect(config.signing.identity).toBe('https://github.com/acme/charts/.github/workflows/release.yaml@refs/heads/release');
  });

  it('names the file and every unknown or invalid field', async () => {
    const cwd = await repoWith('registry: ghcr.io/no-scheme\nconcurency: 2\n');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        file: '.chart-release.yaml',
        message: expect.stringMatching(/additional properties 'concurency'.*\/registry must match pattern/s),
      }),
    );
  });

  it('limits the package size to 10 MiB unless maxPackageSize says otherwise', async () => {
    expect(loadConfig({ cwd: await repoWith('registry: oci://x/y\n'), env: {} }).maxPackageSize).toBe(10 * 1024 * 1024);
    expect(loadConfig({ cwd: await repoWith('registry: oci://x/y\nmaxPackageSize: 64MiB\n'), env: {} }).maxPackageSize).toBe(64 * 1024 * 1024);
    expect(loadConfig({ cwd: await repoWith('registry: oci://x/y\nmaxPackageSize: 0\n'), env: {} }).maxPackageSize).toBe(0);
    const unreadable = await repoWith('registry: oci://x/y\nmaxPackageSize: lots\n');
    expect(() => loadConfig({ cwd: unreadable, env: {} })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('/maxPackageSize') }),
    );
  });

  it('points at the line of a YAML syntax error', async () => {
    const cwd = await repoWith('registry: oci://x/y\nchartDirs: [charts\n');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', line: expect.any(Number) }));
  });

  it('asks for a registry when none can be derived', async () => {
    expect(() => loadConfig({ cwd: '/nonexistent-dir-for-test', env: {} })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', hint: expect.stringContaining('--registry') }),
    );
  });

  it('publishes the Helm index to gh-pages by default; index: false turns it off, branch, path and size ceiling are set', async () => {
    const env = { GITHUB_REPOSITORY: 'acme/charts' };
    expect(loadConfig({ cwd: await repoWith(), env })).toMatchObject({
      index: { enabled: true, branch: 'gh-pages', path: 'index.yaml', sizeWarning: 20 * 1024 * 1024 },
      release: { adoptTagTemplates: ['{name}-{version}'] },
    });
    expect(loadConfig({ cwd: await repoWith('index: false\n'), env }).index.enabled).toBe(false);
    const custom = loadConfig({
      cwd: await repoWith(
        'index:\n  branch: pages\n  path: charts/index.yaml\n  sizeWarning: 5MiB\nartifactHub:\n  repositoryID: 5c2d6ef8-5a8b-4a3f-9d9d-6f2d1f3b1a10\n  owners: [{ email: a@acme.example }]\n',
      ),
      env,
    });
    expect(custom.index).toEqual({ enabled: true, branch: 'pages', path: 'charts/index.yaml', sizeWarning: 5 * 1024 * 1024 });
    expect(custom.artifactHub).toEqual({ repositoryID: '5c2d6ef8-5a8b-4a3f-9d9d-6f2d1f3b1a10', owners: [{ email: 'a@acme.example' }] });
    const typo = await repoWith('index:\n  brnach: pages\n');
    expect(() => loadConfig({ cwd: typo, env })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
