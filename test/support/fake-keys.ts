import { createHash } from 'node:crypto';

/**
 * Key-shaped strings built at run time from a seed, so no key-shaped literal is ever committed
 * (the repository must scan clean with its own scanner and never trip push protection).
 */
export function fakeHex(seed: string, length = 40): string {
  let hex = '';
  for (let i = 0; hex.length < length; i++) hex += createHash('sha256').update(`${seed}:${i}`).digest('hex');
  return hex.slice(0, length);
}

const PREFIX = { live: ['shippo', 'live', ''].join('_'), test: ['shippo', 'test', ''].join('_') } as const;

/** A fake Shippo key of the given kind; the same seed always gives the same key. */
export function fakeKey(kind: 'live' | 'test', seed: string, hexLength = 40): string {
  return PREFIX[kind] + fakeHex(`${kind}:${seed}`, hexLength);
}

/** The key prefix, built at run time too. */
export function keyPrefix(kind: 'live' | 'test'): string {
  return PREFIX[kind];
}
