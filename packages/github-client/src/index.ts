export { createGitHubClient } from './client.ts';
export type { GitHubClient, GitHubClientOptions } from './client.ts';
export { parseRepository, formatRepository } from './repository.ts';
export type { RepositoryRef } from './repository.ts';
export { GITHUB_WRITE_LIMITS, WriteBudget, nextWriteStart, rateLimitPause, systemClock, writeBudgetDuration } from './write-budget.ts';
export type { Clock, LimitedResponse, WriteBudgetOptions, WriteLimits } from './write-budget.ts';
export { describeGitHubError, gitHubStatus } from './github-error.ts';
export type { GitHubFailureContext } from './github-error.ts';
