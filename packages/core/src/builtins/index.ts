/**
 * Node built-ins that only some runs use, each loaded on its first call instead of when the
 * module that needs it loads. Every command's modules load with the CLI, so a top-level import
 * made every run compile and initialise these: a commit hook given its file names (no git, no
 * hashing, no archive) paid about 7 ms of its start-up for them (`node:crypto` 3.4 ms,
 * `node:child_process` 2.8 ms, `node:zlib` 0.9 ms; `node:fs/promises`, 1.3 ms, where Node's own
 * module loader has not loaded it). Node keeps each built-in once it is loaded, so later calls
 * cost a lookup. Types still come from a type import.
 */
export { nodeChildProcess } from './child-process.js';
export { nodeCrypto } from './crypto.js';
export { nodeFsPromises } from './fs-promises.js';
export { nodeNet } from './net.js';
export { nodeZlib } from './zlib.js';
