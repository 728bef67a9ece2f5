/**
 * What a blocked commit or push prints after the findings: why it is blocked and the three ways
 * out. Keys themselves are only ever shown redacted, in the report above this.
 */
export function blockedAdvice(what: 'commit' | 'push'): string {
  const subject = what === 'commit' ? 'This commit adds' : 'The commits being pushed add';
  return [
    '',
    `shippo-keyguard: ${what} blocked. ${subject} a Shippo API key (where, redacted, above).`,
    'Anything committed is readable by everyone who can clone the repository, for ever: treat the key as leaked once it is pushed.',
    'Three ways out:',
    what === 'commit'
      ? '  1. Remove it: delete the key from the file, `git add` the file again, and load the key from an environment variable or secret store instead.'
      : '  1. Remove it: rewrite the commits without the key (e.g. `git rebase -i`), then rotate the key in the Shippo dashboard (Settings > API).',
    '  2. Allow it inline, if it is not a real key: put a `shippo-keyguard:allow` comment on its line (or `shippo-keyguard:allow-next-line` on the line before).',
    `  3. Add it to the baseline, if it is known and accepted: \`shippo-keyguard baseline ${what === 'commit' ? 'staged' : 'history'}\`, then commit .shippo-keyguard-baseline.json (the hooks, scan, history, the Action and the ESLint plugin read it from the repository root).`,
    '',
  ].join('\n');
}
