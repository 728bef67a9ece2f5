import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { keyPrefix } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { cleanup, makeTree } from '../support/tree.js';

const parent = makeTree({}, 'skg-demo-');
afterAll(() => cleanup(parent));

it('test/demo/make-demo.js creates the demo, scans it, finds every planted key and no placeholder', () => {
  const dir = join(parent, 'demo');
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'test/demo/make-demo.js'), dir], { cwd: parent, encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain('✖ 4 findings (4 distinct keys) in 5 files');
  expect(r.stdout).not.toContain('SETUP.md');
  // The keys are random: read them back from the files and make sure the demo never prints one.
  const guard = new LeakGuard();
  const hex = new RegExp(`(?:${keyPrefix('live')}|${keyPrefix('test')})[0-9a-f]{32,40}`, 'g');
  for (const file of ['.env', 'src/config.js', 'docs/legacy-setup.md']) {
    for (const k of readFileSync(join(dir, file), 'utf8').match(hex) ?? []) guard.plant(k);
  }
  const encoded = /SHIPPO_API_KEY: (\S+)/.exec(readFileSync(join(dir, 'k8s/shippo-secret.yaml'), 'utf8'))?.[1] ?? '';
  guard.plant(Buffer.from(encoded, 'base64').toString());
  expect(guard.keys.size).toBe(4);
  guard.record({ scenario: 'demo', channel: 'stdout', text: r.stdout, revealAllowed: false });
  guard.record({ scenario: 'demo', channel: 'stderr', text: r.stderr, revealAllowed: false });
  guard.assertNoLeaks();
});
