import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { encodeBatch } from './batch-codec.js';
import { BatchScanner, emptyResult, type BatchOptions, type BatchResult, type Target } from './read-scan.js';

/** Below this many files, starting threads costs more than it saves. */
export const PARALLEL_THRESHOLD = 2000;
const BATCH = 128;

export type Progress = (files: number, bytes: number) => void;

export function defaultThreads(): number {
  return Math.min(availableParallelism(), 4);
}

/** Reader threads, started early so their start-up overlaps the rest of the listing. */
/**
 * worker_threads (and the assert, perf and messaging internals it brings) loads when the first
 * reader threads start, for scans of 2,000 files or more: a commit hook never starts any.
 */
const workerThreads = (): typeof import('node:worker_threads') => process.getBuiltinModule('node:worker_threads');

export function startWorkers(count: number): Worker[] {
  return Array.from({ length: count }, () => {
    const worker = new (workerThreads().Worker)(new URL('./worker.js', import.meta.url), { execArgv: [] });
    // Keep an early failure (before scanTargets listens) instead of crashing; it is rethrown there.
    worker.once('error', (error) => failures.set(worker, error));
    return worker;
  });
}

const failures = new WeakMap<Worker, Error>();

function merge(into: BatchResult, part: BatchResult): void {
  into.findings.push(...part.findings);
  into.keys.push(...part.keys);
  into.warnings.push(...part.warnings);
  into.missingFromGit.push(...part.missingFromGit);
  into.scanned += part.scanned;
  into.bytes += part.bytes;
  into.skipped += part.skipped;
}

/**
 * Read and scan every target. Small lists run on this thread; large ones go to one worker per
 * core, fed small batches from a shared queue so a thread that drew big files does not hold
 * up the end (readFileSync-style reads in a loop per thread, the fastest way on this machine).
 */
export async function scanTargets(
  targets: readonly Target[],
  options: BatchOptions & { threads?: number; workers?: Worker[] },
  onProgress?: Progress,
): Promise<BatchResult> {
  const threads = options.threads ?? defaultThreads();
  const total = emptyResult();
  const started = options.workers ?? [];
  if (threads < 2 || targets.length < PARALLEL_THRESHOLD) {
    await Promise.all(started.map((w) => w.terminate()));
    const scanner = new BatchScanner(options);
    for (let i = 0; i < targets.length; i += BATCH) {
      merge(total, scanner.scan(targets.slice(i, i + BATCH)));
      onProgress?.(total.scanned + total.skipped, total.bytes);
      if (onProgress) await new Promise((done) => setImmediate(done)); // let progress reach the terminal
    }
    return total;
  }
  const batchOptions: BatchOptions = { maxFileSize: options.maxFileSize, roots: options.roots, ...(options.archives ? { archives: options.archives } : {}) };
  const workers = started.length > 0 ? started : startWorkers(threads);
  for (const w of workers) w.postMessage({ options: batchOptions });
  let next = 0;
  const run = (worker: Worker) =>
    new Promise<void>((done, fail) => {
      let inFlight = 0;
      const feed = () => {
        if (next >= targets.length) {
          if (inFlight === 0) done();
          return;
        }
        const batch = encodeBatch(targets.slice(next, next + BATCH));
        next += BATCH;
        inFlight++;
        worker.postMessage(batch);
      };
      worker.on('message', (part: BatchResult) => {
        inFlight--;
        merge(total, part);
        onProgress?.(total.scanned + total.skipped, total.bytes);
        feed();
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (inFlight > 0 || next < targets.length) fail(failures.get(worker) ?? new Error(`a reader thread stopped (exit code ${code})`));
      });
      const early = failures.get(worker);
      if (early) {
        fail(early);
        return;
      }
      feed();
      feed(); // two batches in flight: the thread never waits for the round trip
    });
  try {
    await Promise.all(workers.map(run));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return total;
}
