export { createGitHubClient } from './client.ts';
export type { GitHubClient, GitHubClientOptions } from './client.ts';
export { parseRepository, formatRepository } from './repository.ts';
export type { RepositoryRef } from './repository.ts';
