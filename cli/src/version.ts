import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const TOOL = {
  name: 'shippo-keyguard',
  version: pkg.version,
  informationUri: 'https://github.com/shippo-keyguard/shippo-keyguard',
} as const;
