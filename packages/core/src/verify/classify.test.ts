import { describe, expect, it } from 'vitest';
import { classifyStatus } from './classify.js';

describe('classifyStatus', () => {
  it("only a 401 with the API's error for the token is dead", () => {
    expect(classifyStatus(401, 'live')).toMatchObject({ final: true, status: 'dead' });
    expect(classifyStatus(401, 'live', 'token-rejected')).toMatchObject({ final: true, status: 'dead' });
    expect(classifyStatus(401, 'live', 'no-credentials')).toMatchObject({ final: true, status: 'unknown' });
    expect(classifyStatus(401, 'live', 'unrecognised')).toMatchObject({ final: true, status: 'unknown' });
  });
  it.each([200, 204, 403, 404])('%i is live and names the mode', (status) => {
    expect(classifyStatus(status, 'test')).toMatchObject({ final: true, status: 'live', reason: expect.stringContaining('test mode') });
  });
  it.each([301, 400, 405, 410, 418, 451, 600, 0])('%i is unknown, never dead', (status) => {
    expect(classifyStatus(status, 'live')).toMatchObject({ final: true, status: 'unknown' });
  });
  it('429 and 5xx are retried', () => {
    expect(classifyStatus(429, 'live')).toMatchObject({ final: false, retry: 'rate-limited' });
    expect(classifyStatus(503, 'live')).toMatchObject({ final: false, retry: 'server-error' });
  });
});
