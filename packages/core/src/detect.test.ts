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

describe('the byte search by a rarer part of each needle', () => {
  const base64 = (prefix: string) => Buffer.from(`${prefix}${test}`).toString('base64');
  const utf16 = (text: string) => Buffer.from(text, 'utf16le');

  it('finds every form at the very start and the very end of the bytes, and next to a lone part', () => {
    // Parts of needles without the rest in front ("hippo_", "HBvX", NUL-p-NUL-o-NUL-_) are no hits.
    const decoys = 'hippo_ HBvX XBwb19 GlwcG9f chippo_ ';
    for (const content of [
      Buffer.from(live),
      Buffer.from(`${decoys}${live}`),
      Buffer.from(`${live} ${decoys}`),
      Buffer.from(base64('')),
      Buffer.from(`${decoys}${base64(':')}`),
      Buffer.from(`${decoys}${base64('u:')}\n`),
      utf16(live),
      Buffer.concat([utf16(decoys), Buffer.from([0]), utf16(` ${live}`)]),
    ]) {
      expect(mayHoldKey(content), content.toString('latin1')).toBe(true);
      const keys = findKeys(content).map((m) => m.match.key);
      expect(keys.length, content.toString('latin1')).toBe(1);
      expect([live, test]).toContain(keys[0]);
    }
  });

  it('says no for bytes that hold only the parts', () => {
    const parts = Buffer.from('hippo_ HBvX XBwb19 GlwcG9f p\0o\0_ '.repeat(500));
    expect(mayHoldKey(parts)).toBe(false);
    expect(findKeys(parts)).toEqual([]);
  });

  it('finds each of many keys once, in order', () => {
    const keys = Array.from({ length: 50 }, (_, i) => fakeKey(i % 2 ? 'live' : 'test', `many-${i}`));
    const content = Buffer.from(keys.map((k, i) => `${'hippo_ '.repeat(i % 3)}${k}`).join('\n'));
    expect(findKeys(content).map((m) => m.match.key)).toEqual(keys);
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
