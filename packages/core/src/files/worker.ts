import { parentPort } from 'node:worker_threads';
import { BatchScanner, type BatchOptions, type Target } from './read-scan.js';

/**
 * A reader thread. The first message sets the options (the thread may start before the listing
 * is done); every later message is a batch to scan, answered with its result.
 */
let scanner: BatchScanner | undefined;
parentPort?.on('message', (message: { options: BatchOptions } | Target[]) => {
  if (!Array.isArray(message)) {
    scanner = new BatchScanner(message.options);
    return;
  }
  // Structured clone turns Buffer paths into Uint8Arrays; fs needs Buffers back.
  const targets = message.map((t) => (typeof t.path === 'string' ? t : { ...t, path: Buffer.from(t.path) }));
  parentPort?.postMessage(scanner!.scan(targets));
});
