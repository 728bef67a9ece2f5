export type { Source, SourceKind, SourceOutput } from './source.js';
export { filesSource } from './source-files.js';
export { stdinSource, type StdinSourceOptions } from './source-stdin.js';
export { historySource, type HistorySourceOptions } from './source-history.js';
export { stagedSource } from './source-staged.js';
export { pushedSource, type PushedSourceOptions } from './source-pushed.js';
export { filterStep, runPipeline, verifyStep, type Collected, type PipelineOptions, type PipelineResult, type PipelineStep } from './run-pipeline.js';
