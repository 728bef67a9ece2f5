import { parentPort, workerData } from 'node:worker_threads';
import { BatchScanner, type BatchOptions, type Target } from './read-scan.js';

/** A reader thread: scans the batches the main thread hands it, one at a time. */
const scanner = new BatchScanner(workerData as BatchOptions);
parentPort?.on('message', (targets: Target[]) => {
  // Structured clone turns Buffer paths into Uint8Arrays; fs needs Buffers back.
  const fixed = targets.map((t) => (typeof t.path === 'string' ? t : { ...t, path: Buffer.from(t.path) }));
  parentPort?.postMessage(scanner.scan(fixed));
});
