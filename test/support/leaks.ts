import { expect } from 'vitest';

/** One thing a scenario produced: stdout, stderr or a file it wrote. */
export interface RecordedOutput {
  readonly scenario: string;
  readonly channel: string;
  readonly text: string;
  /** The scenario passed --no-redact: keys may appear here (never in SARIF or stderr). */
  readonly revealAllowed: boolean;
}

/**
 * Every output of every scenario in a test file, and every key planted for it. `assertNoLeaks`
 * (called in afterAll) greps all of it: the scanner must never print a key it was not asked to.
 */
export class LeakGuard {
  readonly outputs: RecordedOutput[] = [];
  readonly keys = new Set<string>();

  plant<T extends string>(key: T): T {
    this.keys.add(key);
    return key;
  }

  record(output: RecordedOutput): void {
    this.outputs.push(output);
  }

  assertNoLeaks(): void {
    expect(this.keys.size, 'no key was planted: the leak check would check nothing').toBeGreaterThan(0);
    expect(this.outputs.length).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const output of this.outputs) {
      if (output.revealAllowed) continue;
      for (const key of this.keys) {
        // The hex part alone is the secret: catch a key split from its prefix too.
        const secret = key.slice(key.lastIndexOf('_') + 1);
        if (output.text.includes(secret)) leaks.push(`${output.scenario} [${output.channel}]`);
      }
    }
    expect(leaks).toEqual([]);
  }
}
