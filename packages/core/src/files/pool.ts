import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BatchScanner, emptyResult, type BatchOptions, type BatchResult, type Target } from './read-scan.js';

/** Below this many files, starting threads costs more than it saves. */
export const PARALLEL_THRESHOLD = 2000;
const BATCH = 128;

export type Progress = (files: number, bytes: number) => void;

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
  options: BatchOptions & { threads?: number },
  onProgress?: Progress,
): Promise<BatchResult> {
  const threads = options.threads ?? Math.min(availableParallelism(), 4);
  const total = emptyResult();
  if (threads < 2 || targets.length < PARALLEL_THRESHOLD) {
    const scanner = new BatchScanner(options);
    for (let i = 0; i < targets.length; i += BATCH) {
      merge(total, scanner.scan(targets.slice(i, i + BATCH)));
      onProgress?.(total.scanned + total.skipped, total.bytes);
      if (onProgress) await new Promise((done) => setImmediate(done)); // let progress reach the terminal
    }
    return total;
  }
  const batchOptions: BatchOptions = { maxFileSize: options.maxFileSize, roots: options.roots };
  let next = 0;
  const run = (worker: Worker) =>
    new Promise<void>((done, fail) => {
      const feed = () => {
        if (next >= targets.length) {
          done();
          return;
        }
        const batch = targets.slice(next, next + BATCH);
        next += BATCH;
        worker.postMessage(batch);
      };
      worker.on('message', (part: BatchResult) => {
        merge(total, part);
        onProgress?.(total.scanned + total.skipped, total.bytes);
        feed();
      });
      worker.on('error', fail);
      feed();
      feed(); // two batches in flight: the thread never waits for the round trip
    });
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./worker.js', import.meta.url), { workerData: batchOptions }));
  try {
    await Promise.all(workers.map(run));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return total;
}
