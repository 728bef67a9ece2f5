import { describe, expect, it } from 'vitest';
import { hookArgs } from '../../cli/dist/hook-args.js';
import { parseCommandLine } from '../../cli/dist/run.js';

/**
 * A commit hook's command lines skip the parser (cli/src/hook-args.ts); what they get must be
 * exactly what the parser gives, key for key, for every name the pre-commit framework may pass.
 */
describe('hook command lines without the parser', () => {
  const NAMES = ['app.js', 'src/a b.txt', 'ünï/cödé ✓.env', '007', '1e3', '0x10', 'true', 'null', 'a=b', 'x.y.z', '.env', 'dir/', 'README'];

  it('staged and pre-commit (with and without file names) get exactly the parser\'s arguments', async () => {
    for (const argv of [['staged'], ['pre-commit'], ['pre-commit', 'app.js'], ['pre-commit', ...NAMES]]) {
      const fast = hookArgs(argv);
      expect(fast, argv.join(' ')).toBeDefined();
      const parsed = await parseCommandLine(argv);
      expect(fast, argv.join(' ')).toStrictEqual(parsed);
      // Same keys in the same order: code that walks the arguments sees the same sequence.
      expect(Object.keys(fast!), argv.join(' ')).toEqual(Object.keys(parsed));
    }
  });

  it('anything with an option, a "-" or another command goes through the parser', () => {
    for (const argv of [
      [],
      ['staged', '--format', 'json'],
      ['staged', 'extra'],
      ['pre-commit', '--help'],
      ['pre-commit', 'a.js', '-'],
      ['pre-commit', 'a.js', '\u0000-'],
      ['pre-commit', '--', 'a.js'],
      ['pre-commit', ''],
      ['pre-commit', 'a.js', '--no-redact'],
      ['scan'],
      ['--help'],
      ['staged', '-h'],
    ]) {
      expect(hookArgs(argv), JSON.stringify(argv)).toBeUndefined();
    }
  });
});
