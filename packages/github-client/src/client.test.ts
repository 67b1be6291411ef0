import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clearSecrets, memoryLogger, redact } from '@chart-release/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from './client.ts';

afterEach(() => clearSecrets());

describe('createGitHubClient', () => {
  it('talks to $GITHUB_API_URL (GitHub Enterprise Server) without a trailing slash, else api.github.com', () => {
    const enterprise = createGitHubClient({ env: { GITHUB_API_URL: 'https://ghe.example.com/api/v3/' } });
    expect(enterprise.request.endpoint.DEFAULTS.baseUrl).toBe('https://ghe.example.com/api/v3');
    expect(createGitHubClient({ env: {} }).request.endpoint.DEFAULTS.baseUrl).toBe('https://api.github.com');
    expect(createGitHubClient({ env: {}, baseUrl: 'http://127.0.0.1:9/' }).request.endpoint.DEFAULTS.baseUrl).toBe('http://127.0.0.1:9');
  });

  it('registers the token for redaction before any request can log it', () => {
    const token = 'plain-token-' + 'q7'.repeat(12);
    expect(redact(`token ${token}`)).toContain(token);
    createGitHubClient({ token, env: {} });
    expect(redact(`token ${token}`)).not.toContain(token);
  });

  it('names itself chart-release unless told otherwise', () => {
    expect(createGitHubClient({ env: {} }).request.endpoint.DEFAULTS.headers['user-agent']).toMatch(/^chart-release/);
    expect(createGitHubClient({ env: {}, userAgent: 'my-bot' }).request.endpoint.DEFAULTS.headers['user-agent']).toMatch(/^my-bot/);
  });

  it('logs a failed request at debug level only: the caller reports what it cannot handle, a lookup expects 404s', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json', 'x-github-request-id': '0554:7F58' });
      res.end(JSON.stringify({ message: 'Not Found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const logger = memoryLogger();
      const client = createGitHubClient({ env: {}, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logger, retries: 0 });
      const status = await client.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { owner: 'acme', repo: 'charts', tag: 'web-v1.0.0' }).then(
        () => 200,
        (error: { status?: number }) => error.status,
      );
      expect(status).toBe(404);
      expect(logger.lines.join('\n')).toContain('404');
      expect(logger.lines.filter((line) => /^(error|warning)/i.test(line))).toEqual([]);
    } finally {
      server.close();
    }
  });
});
