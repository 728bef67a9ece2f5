import { nodeCrypto } from './builtins/crypto.js';

/** SHA-256 of the key, lower-case hex: the only identity of a key that ever leaves memory. */
export function fingerprintOf(key: string): string {
  return nodeCrypto().createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `shippo_live_3f9a…c2e1`: the prefix plus the first and last four characters of the rest. */
export function redact(key: string): string {
  const prefixEnd = key.indexOf('_', key.indexOf('_') + 1) + 1;
  const prefix = key.slice(0, prefixEnd);
  const rest = key.slice(prefixEnd);
  if (rest.length <= 8) return `${prefix}…`;
  return `${prefix}${rest.slice(0, 4)}…${rest.slice(-4)}`;
}

/**
 * The keys a scan found, by fingerprint. Held in memory only, for the verifier and for
 * `--no-redact`; nothing serialises it.
 */
export class SecretStore {
  readonly #keys = new Map<string, string>();

  add(key: string): string {
    const fingerprint = fingerprintOf(key);
    this.#keys.set(fingerprint, key);
    return fingerprint;
  }

  get(fingerprint: string): string | undefined {
    return this.#keys.get(fingerprint);
  }

  get size(): number {
    return this.#keys.size;
  }

  fingerprints(): IterableIterator<string> {
    return this.#keys.keys();
  }

  toJSON(): string {
    return '[SecretStore]';
  }
}
