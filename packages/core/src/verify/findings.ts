import type { Finding } from '../finding.js';
import type { SecretStore } from '../secret.js';
import { withVerification } from '../severity.js';
import { verifyKeys, type KeyToVerify, type VerifyOptions } from './verifier.js';

/**
 * The verify step of the pipeline: one probe per distinct key among `findings` (the filter has
 * already taken suppressed ones out, so they are never sent), the verdict on every finding that
 * holds it, and the level that follows from it (the severity model). Keys come from `secrets`;
 * a key not held there is `unknown`.
 */
export async function verifyFindings(findings: readonly Finding[], secrets: SecretStore, options: VerifyOptions): Promise<Finding[]> {
  if (findings.length === 0) return [];
  const keys: KeyToVerify[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    const key = secrets.get(f.fingerprint);
    if (key !== undefined) keys.push({ fingerprint: f.fingerprint, key, kind: f.kind });
  }
  const results = await verifyKeys(keys, options);
  return findings.map((f) => withVerification(f, results.get(f.fingerprint) ?? { status: 'unknown', reason: 'key not held in memory' }));
}
