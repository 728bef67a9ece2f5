import { parentPort } from 'node:worker_threads';
import { decodeBatch, type EncodedBatch } from './batch-codec.js';
import { BatchScanner, type BatchOptions } from './read-scan.js';

/**
 * A reader thread. The first message sets the options (the thread may start before the listing
 * is done); every later message is a batch to scan, answered with its result.
 */
let scanner: BatchScanner | undefined;
parentPort?.on('message', (message: { options: BatchOptions } | EncodedBatch) => {
  if ('options' in message) {
    scanner = new BatchScanner(message.options);
    return;
  }
  parentPort?.postMessage(scanner!.scan(decodeBatch(message)));
});
