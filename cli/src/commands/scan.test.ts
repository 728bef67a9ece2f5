import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunIO } from '../io.js';
import { progressReporter } from './scan.js';

function io(lines: string[], overrides: Partial<RunIO> = {}): RunIO {
  return {
    cwd: '/',
    env: {},
    stdin: Readable.from([]),
    stdoutIsTTY: false,
    stderrIsTTY: true,
    progress: (line) => lines.push(line),
    ...overrides,
  };
}

describe('scan progress', () => {
  afterEach(() => vi.useRealTimers());

  it('appears on a terminal once the scan takes more than a moment, throttled, and is cleared at the end', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const progress = progressReporter(io(lines))!;
    progress.update(10, 1e6);
    expect(lines).toEqual([]); // a quick scan never draws anything
    vi.advanceTimersByTime(400);
    progress.update(2000, 12.34e6);
    progress.update(2001, 12.35e6); // within 100 ms: skipped
    vi.advanceTimersByTime(150);
    progress.update(4000, 20e6);
    progress.clear();
    expect(lines).toEqual(['scanning: 2000 files, 12.3 MB', 'scanning: 4000 files, 20.0 MB', '']);
  });

  it('is off when stderr is not a terminal or in CI', () => {
    const lines: string[] = [];
    expect(progressReporter(io(lines, { stderrIsTTY: false }))).toBeUndefined();
    expect(progressReporter(io(lines, { env: { CI: 'true' } }))).toBeUndefined();
  });
});
