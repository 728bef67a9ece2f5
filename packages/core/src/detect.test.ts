import { describe, expect, it } from 'vitest';
import { findKeys, mayHoldKey } from './detect.js';
import { scanContent } from './scan-content.js';
import { SecretStore, fingerprintOf, redact } from './secret.js';
import { fakeKey } from '../../../test/support/fake-keys.js';

const live = fakeKey('live', 'core-detect');
const test = fakeKey('test', 'core-detect');

describe('findKeys', () => {
  it('finds the same keys at the same places in a string and in its bytes', () => {
    const text = `ñ="${live}"\n${Buffer.from(`u:${test}`).toString('base64')}\n${'x'.repeat(5000)} ${live}`;
    const fromText = findKeys(text).map((m) => [m.detector.id, m.match.key]);
    const fromBytes = findKeys(Buffer.from(text)).map((m) => [m.detector.id, m.match.key]);
    expect(fromText).toEqual([
      ['shippo-live-key', live],
      ['shippo-key-base64', test],
      ['shippo-live-key', live],
    ]);
    expect(fromBytes).toEqual(fromText);
  });

  it('maps byte offsets back to the key in the buffer', () => {
    const buf = Buffer.from(`ü€ key=${live};`);
    const [m] = findKeys(buf);
    expect(buf.toString('latin1', m!.match.start, m!.match.end)).toBe(live);
  });

  it('reports nothing and says so cheaply for content without a needle', () => {
    const clean = Buffer.from('nothing to see here '.repeat(100));
    expect(mayHoldKey(clean)).toBe(false);
    expect(findKeys(clean)).toEqual([]);
    expect(mayHoldKey(`x ${live}`)).toBe(true);
  });
});

describe('scanContent', () => {
  it('builds findings without the key: fingerprint, preview, 1-based exclusive-end columns', () => {
    const secrets = new SecretStore();
    const [f] = scanContent(Buffer.from(`é\r\n  k: "${live}"\r\n`), { path: 'a/b.yml', secrets });
    expect(f).toMatchObject({
      detector: 'shippo-live-key',
      kind: 'live',
      path: 'a/b.yml',
      startLine: 2,
      startColumn: 7,
      endLine: 2,
      endColumn: 7 + live.length,
      fingerprint: fingerprintOf(live),
      redacted: redact(live),
      binary: false,
    });
    expect(JSON.stringify(f)).not.toContain(live);
    expect(secrets.get(f!.fingerprint)).toBe(live);
    expect(JSON.stringify({ secrets })).not.toContain(live);
  });

  it('marks binary content and inline allows', () => {
    const [bin] = scanContent(Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(live)]), { path: 'x.bin' });
    expect(bin!.binary).toBe(true);
    const [allowed] = scanContent(`k = "${live}" // shippo-keyguard:allow`, { path: 'x.js' });
    expect(allowed!.suppression).toEqual({ by: 'inline' });
  });
});

describe('redact', () => {
  it('keeps the prefix and four characters at each end', () => {
    const r = redact(live);
    expect(r).toBe(`${live.slice(0, 16)}…${live.slice(-4)}`);
    expect(r.length).toBeLessThan(live.length);
  });
});
