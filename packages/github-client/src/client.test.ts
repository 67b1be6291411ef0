import { clearSecrets, redact } from '@chart-release/core';
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
});
