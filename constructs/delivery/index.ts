export * from './app-project';
export * from './argo-cd';
export * from './commit-status';
export * from './flux';
export * from './hooks';
export { branchProblem, goDuration, normalizeRepoPath, redactUrl, repoPathProblem, repoUrlProblem } from './source';
export type { RepoUrlOptions } from './source';
