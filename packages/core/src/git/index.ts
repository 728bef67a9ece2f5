/** Git sources: the whole history (each blob once) and the staged index. */
export { scanHistory, type HistoryScanOptions, type GitScanResult } from './history.js';
export { scanStaged, type StagedScanOptions } from './staged.js';
export { GitError, NotAGitRepositoryError, BadRevisionError } from './exec.js';
export { openRepo, resolveCommit, mergeBases, stripCredentials, type RepoInfo } from './repo.js';
