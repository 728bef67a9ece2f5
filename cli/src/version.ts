import { readFileSync } from 'node:fs';
import { REPOSITORY_URL } from '@shippo-keyguard/core';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const TOOL = {
  name: 'shippo-keyguard',
  version: pkg.version,
  informationUri: REPOSITORY_URL,
} as const;
