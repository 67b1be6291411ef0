import { describe, expect, it } from 'vitest';
import { ReleaseError } from '@chart-release/core';
import { channelHistory, rollback } from './channel-history.ts';
import { preflightPromotion, promote, promoteAll, type PromotionRegistry, type PromotionServices } from './promote.ts';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;
const D4 = `sha256:${'4'.repeat(64)}`;
const VERSIONS: Record<string, string> = { [D1]: '1.0.0', [D2]: '1.1.0', [D3]: '1.1.0', [D4]: '1.2.0' };

/** A registry in memory: tags -> digests, with the manifests that exist. */
function memoryRegistry(tags: Record<string, string>): PromotionRegistry & { tags: Record<string, string>; moves: string[] } {
  const digests = new Set([D1, D2, D3, D4]);
  const state = { ...tags };
  const moves: string[] = [];
  return {
    tags: state,
    moves,
    resolve: async (_repo, tag) => state[tag],
    exists: async (_repo, digest) => digests.has(digest),
    retag: async (_repo, digest, tag) => {
      moves.push(`${tag}->${digest}`);
      state[tag] = digest;
      return digest;
    },
    listTags: async () => Object.keys(state),
  };
}

function services(registry: PromotionRegistry, clock: Date[] = []): PromotionServices & { audits: unknown[] } {
  const audits: unknown[] = [];
  let tick = 0;
  return {
    registry,
    audits,
    verifySignature: async (_repo, digest) => {
      if (digest === D3) throw new ReleaseError('SIGNATURE_NOT_FOUND', `no signature for ${digest}`);
      return { identity: 'https://github.com/acme/charts/.github/workflows/release.yaml@refs/heads/release' };
    },
    sanityCheck: async (_repo, digest) => ({ version: VERSIONS[digest]! }),
    audit: async (record) => {
      audits.push(record);
      return 'https://github.com/acme/charts/releases/tag/web-app-v1.1.0';
    },
    now: () => clock[tick++] ?? new Date(Date.UTC(2026, 10, 23, 10, 0, tick)),
    actor: 'maintainer',
  };
}

const request = { chart: 'web-app', repository: 'acme/charts/web-app', ociRepository: 'oci://ghcr.io/acme/charts/web-app' };

describe('promotion', () => {
  it('moves a channel to a version by digest, reads it back and writes an audit tag and record', async () => {
    const registry = memoryRegistry({ '1.0.0': D1, '1.1.0': D2, stable: D1 });
    const s = services(registry);
    const result = await promote({ ...request, version: '1.1.0', to: 'stable' }, s);
    expect(result).toMatchObject({ status: 'moved', digest: D2, previousDigest: D1, version: '1.1.0', auditTag: 'stable-promoted-20261123-100001' });
    expect(registry.tags.stable).toBe(D2);
    expect(registry.tags['stable-promoted-20261123-100001']).toBe(D2);
    expect(s.audits).toEqual([expect.objectContaining({ kind: 'promote', channel: 'stable', digest: D2, previousDigest: D1, by: 'maintainer' })]);
    expect(result.install).toContain('--version 1.1.0');
    expect(result.install).toContain(`@${D2}`);
  });

  it('creates a version tag once and treats the same digest again as a no-op', async () => {
    const registry = memoryRegistry({ '1.1.0': D2 });
    expect((await promote({ ...request, digest: D2, to: 'v1.1.0' }, services(registry))).status).toBe('moved');
    expect((await promote({ ...request, digest: D2, to: 'v1.1.0' }, services(registry))).status).toBe('unchanged');
    expect(registry.moves).toEqual([`v1.1.0->${D2}`]);
  });

  it('refuses to move a version tag to another digest', async () => {
    const registry = memoryRegistry({ 'v1.1.0': D2 });
    await expect(promote({ ...request, digest: D1, to: 'v1.1.0' }, services(registry))).rejects.toMatchObject({ code: 'IMMUTABLE_TAG' });
    expect(registry.moves).toEqual([]);
  });

  it('refuses an unsigned digest before anything moves', async () => {
    const registry = memoryRegistry({ stable: D1 });
    await expect(promote({ ...request, digest: D3, to: 'stable' }, services(registry))).rejects.toMatchObject({ code: 'SIGNATURE_NOT_FOUND' });
    expect(registry.tags.stable).toBe(D1);
  });

  it('reports every format problem at once in preflight', async () => {
    const registry = memoryRegistry({});
    await expect(preflightPromotion({ ...request, digest: '1'.repeat(64), to: 'night ly' }, registry)).rejects.toMatchObject({
      code: 'PREFLIGHT_FAILED',
      errors: [expect.objectContaining({ code: 'DIGEST_INVALID' }), expect.objectContaining({ code: 'TAG_INVALID' })],
    });
    await expect(preflightPromotion({ ...request, digest: D1, to: 'nightly' }, registry)).rejects.toMatchObject({ code: 'TAG_POLICY' });
    await expect(preflightPromotion({ ...request, version: '9.9.9', to: 'stable' }, registry)).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });
});

describe('promotion rules', () => {
  it('lets a version tag point only at the digest of that very version', async () => {
    const registry = memoryRegistry({ '1.0.0': D1 });
    for (const to of ['v9.9.9', '1.2.0', 'v1.1.0']) {
      await expect(promote({ ...request, digest: D1, to }, services(registry))).rejects.toMatchObject({
        code: 'TAG_VERSION_MISMATCH',
        details: { version: '1.0.0', tag: to },
      });
    }
    expect(registry.moves).toEqual([]);
    expect((await promote({ ...request, digest: D1, to: 'v1.0.0' }, services(registry))).status).toBe('moved');
  });

  it('keeps audit and signature tag names for itself, even with --allow-non-semver', async () => {
    const registry = memoryRegistry({ '1.0.0': D1 });
    for (const to of ['stable-promoted-20261123-100001', 'latest-rollback-20250101-000000-3', `sha256-${'a'.repeat(64)}.sig`, `sha256-${'a'.repeat(64)}`]) {
      await expect(promote({ ...request, digest: D1, to, allowNonSemver: true }, services(registry))).rejects.toMatchObject({ code: 'RESERVED_TAG' });
    }
    expect(registry.moves).toEqual([]);
  });

  it('moves no tag of a manifest promotion when one chart cannot be promoted, and reports every refusal', async () => {
    const registry = memoryRegistry({ latest: D1 });
    const other = { chart: 'api', repository: 'acme/charts/api', ociRepository: 'oci://ghcr.io/acme/charts/api' };
    const all = [
      { ...request, digest: D2, to: 'latest' },
      { ...other, digest: D3, to: 'latest' },
      { ...other, digest: D4, to: 'v9.9.9' },
    ];
    await expect(promoteAll(all, services(registry))).rejects.toMatchObject({
      code: 'PREFLIGHT_FAILED',
      message: expect.stringContaining('no tag was moved; 2 of 3'),
      errors: [expect.objectContaining({ code: 'SIGNATURE_NOT_FOUND' }), expect.objectContaining({ code: 'TAG_VERSION_MISMATCH' })],
    });
    expect(registry.moves).toEqual([]);
  });

  it('puts moved channels back when a later move of the same manifest promotion fails', async () => {
    const registry = memoryRegistry({ latest: D1 });
    const retag = registry.retag;
    registry.retag = async (repo, digest, tag) => {
      if (repo === 'acme/charts/api') throw new Error('registry unavailable');
      return retag(repo, digest, tag);
    };
    const other = { chart: 'api', repository: 'acme/charts/api', ociRepository: 'oci://ghcr.io/acme/charts/api' };
    await expect(
      promoteAll(
        [
          { ...request, digest: D2, to: 'latest' },
          { ...other, digest: D4, to: 'latest' },
        ],
        services(registry),
      ),
    ).rejects.toMatchObject({
      code: 'PROMOTION_INCOMPLETE',
      details: { moved: ['web-app:latest'], restored: ['web-app:latest'] },
    });
    expect(registry.tags.latest).toBe(D1);
  });

  it('gives moves of one channel within one second unique audit tags, in order', async () => {
    const registry = memoryRegistry({});
    const second = new Date(Date.UTC(2026, 10, 23, 10, 0, 0));
    const s = services(registry, [second, second, second]);
    const tags = [];
    for (const digest of [D1, D2, D1]) tags.push((await promote({ ...request, digest, to: 'stable' }, s)).auditTag);
    expect(tags).toEqual(['stable-promoted-20261123-100000', 'stable-promoted-20261123-100000-2', 'stable-promoted-20261123-100000-3']);
    expect((await channelHistory(registry, request.repository, 'stable')).map((h) => h.digest)).toEqual([D1, D2, D1]);
  });
});

describe('rollback', () => {
  it('goes back one promotion each time, never forward again', async () => {
    const registry = memoryRegistry({});
    const s = services(registry);
    for (const digest of [D1, D2, D4]) await promote({ ...request, digest, to: 'stable' }, s);
    expect((await rollback({ ...request, channel: 'stable' }, s)).digest).toBe(D2);
    expect((await rollback({ ...request, channel: 'stable' }, s)).digest).toBe(D1);
    expect(registry.tags.stable).toBe(D1);
    await expect(rollback({ ...request, channel: 'stable' }, s)).rejects.toMatchObject({ code: 'NO_ROLLBACK_TARGET' });
    // a new promotion after the rollbacks is the one the next rollback undoes
    await promote({ ...request, digest: D4, to: 'stable' }, s);
    expect((await rollback({ ...request, channel: 'stable' }, s)).digest).toBe(D1);
  });

  it('returns a channel to its previous digest from the audit history, and records it', async () => {
    const registry = memoryRegistry({ '1.0.0': D1, '1.1.0': D2 });
    const s = services(registry);
    await promote({ ...request, version: '1.0.0', to: 'stable' }, s);
    await promote({ ...request, version: '1.1.0', to: 'stable' }, s);
    const result = await rollback({ ...request, channel: 'stable' }, s);
    expect(result).toMatchObject({ status: 'moved', digest: D1, previousDigest: D2, auditTag: 'stable-rollback-20261123-100003' });
    expect(registry.tags.stable).toBe(D1);
    const history = await channelHistory(registry, request.repository, 'stable');
    expect(history.map((h: { kind: string; digest: string }) => [h.kind, h.digest])).toEqual([
      ['rollback', D1],
      ['promoted', D2],
      ['promoted', D1],
    ]);
  });

  it('rolls back to a named version', async () => {
    const registry = memoryRegistry({ '1.0.0': D1, '1.1.0': D2, stable: D2 });
    const result = await rollback({ ...request, channel: 'stable', target: '1.0.0' }, services(registry));
    expect(result).toMatchObject({ digest: D1, status: 'moved' });
  });

  it('says so when there is nothing earlier to roll back to', async () => {
    const registry = memoryRegistry({ '1.0.0': D1 });
    const s = services(registry);
    await promote({ ...request, version: '1.0.0', to: 'stable' }, s);
    await expect(rollback({ ...request, channel: 'stable' }, s)).rejects.toMatchObject({ code: 'NO_ROLLBACK_TARGET' });
  });
});
