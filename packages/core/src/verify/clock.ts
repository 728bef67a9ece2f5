/**
 * Time as the verifier sees it. Injectable so tests of back-off run instantly and can assert the
 * exact waits; request timeouts stay on real timers (they guard real sockets).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((done) => setTimeout(done, Math.max(0, ms))),
};
