/** Git sources: the whole history (each blob once) and the staged index. */
export { scanHistory, type HistoryScanOptions, type GitScanResult } from './history.js';
export { scanStaged, type StagedScanOptions } from './staged.js';
export { startStaged, type StagedStart } from './staged-start.js';
export { GitError, NotAGitRepositoryError, BadRevisionError, gitText, runGit, type GitOutput, type GitRunOptions } from './exec.js';
export { openRepo, resolveCommit, mergeBases, stripCredentials, objectFormat, objectTypes, OBJECT_ID_LENGTH, type RepoInfo } from './repo.js';
export { readTagMessages, type Message, type NamedTag } from './messages.js';
export { redactKeysIn, summaryOf } from './redact-text.js';
