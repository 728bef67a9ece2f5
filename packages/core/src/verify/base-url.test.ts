import { describe, expect, it } from 'vitest';
import { ApiBaseUrlError, DEFAULT_API_BASE_URL, isLoopbackHost, resolveApiBaseUrl } from './base-url.js';

describe('resolveApiBaseUrl', () => {
  it('defaults to Shippo, not custom', () => {
    const base = resolveApiBaseUrl(undefined, {});
    expect(base.url.href).toBe(DEFAULT_API_BASE_URL);
    expect(base).toMatchObject({ custom: false, source: 'default' });
    expect(resolveApiBaseUrl(undefined, { SHIPPO_API_BASE_URL: '' }).source).toBe('default');
  });

  it('takes the flag first, then SHIPPO_API_BASE_URL', () => {
    const env = { SHIPPO_API_BASE_URL: 'https://env.example/api' };
    expect(resolveApiBaseUrl('https://flag.example', env)).toMatchObject({ source: '--api-base-url', custom: true });
    expect(resolveApiBaseUrl('https://flag.example', env).url.host).toBe('flag.example');
    const fromEnv = resolveApiBaseUrl(undefined, env);
    expect(fromEnv).toMatchObject({ source: 'SHIPPO_API_BASE_URL', custom: true });
    expect(fromEnv.url.href).toBe('https://env.example/api/'); // a path keeps its probe below it
  });

  it('the default spelled out is not custom', () => {
    expect(resolveApiBaseUrl('https://api.goshippo.com', {}).custom).toBe(false);
  });

  it.each([
    ['http://127.0.0.1:8080', true],
    ['http://127.9.8.7', true],
    ['http://localhost:3000', true],
    ['http://[::1]:3000', true],
    ['http://example.com', false],
    ['http://10.0.0.1', false],
    ['http://128.0.0.1', false],
    ['http://127.0.0.1.nip.io', false],
    ['http://localhost.evil.example', false],
  ])('plain http to %s allowed: %s', (url, allowed) => {
    const attempt = () => resolveApiBaseUrl(url, {});
    if (allowed) expect(attempt()).toMatchObject({ custom: true });
    else expect(attempt).toThrow(/plain http would send keys in clear text/);
  });

  it.each(['ftp://127.0.0.1/', 'not a url', 'https://user:pw@host.example', 'https://host.example/?x=1', 'file:///etc/passwd'])(
    'refuses %s',
    (url) => {
      expect(() => resolveApiBaseUrl(url, {})).toThrow(ApiBaseUrlError);
    },
  );

  it('loopback detection', () => {
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('[::ffff:7f00:1]')).toBe(false);
  });
});
