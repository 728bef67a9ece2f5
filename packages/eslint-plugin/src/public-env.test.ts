import { describe, expect, it } from 'vitest';
import { fencedCodeOnly, publicEnvAssignments, publicShippoPrefix } from './public-env.js';

describe('publicShippoPrefix', () => {
  it('needs a public prefix and shippo in the rest of the name', () => {
    expect(publicShippoPrefix('NEXT_PUBLIC_SHIPPO_KEY')).toBe('NEXT_PUBLIC_');
    expect(publicShippoPrefix('NUXT_PUBLIC_SHIPPO_KEY')).toBe('NUXT_PUBLIC_');
    expect(publicShippoPrefix('VITE_shippoToken')).toBe('VITE_');
    expect(publicShippoPrefix('SHIPPO_API_KEY')).toBeUndefined();
    expect(publicShippoPrefix('NEXT_PUBLIC_STRIPE_KEY')).toBeUndefined();
    expect(publicShippoPrefix('PUBLIC_')).toBeUndefined();
  });
});

describe('publicEnvAssignments', () => {
  const names = (text: string) => publicEnvAssignments(text).map(({ name, offset }) => `${name}@${offset}`);
  it('finds definitions in .env, shell, YAML, JSON, TOML and Dockerfiles', () => {
    expect(names('NEXT_PUBLIC_SHIPPO_KEY=x')).toEqual(['NEXT_PUBLIC_SHIPPO_KEY@0']);
    expect(names('export VITE_SHIPPO_KEY="x"')).toEqual(['VITE_SHIPPO_KEY@7']);
    expect(names('env:\n  - REACT_APP_SHIPPO_KEY=x\n  GATSBY_SHIPPO_KEY: y')).toEqual(['REACT_APP_SHIPPO_KEY@9', 'GATSBY_SHIPPO_KEY@34']);
    expect(names('{"EXPO_PUBLIC_SHIPPO_KEY": "x"}')).toEqual(['EXPO_PUBLIC_SHIPPO_KEY@2']);
    expect(names('PUBLIC_SHIPPO_KEY = "x"')).toEqual(['PUBLIC_SHIPPO_KEY@0']);
    expect(names('ARG NEXT_PUBLIC_SHIPPO_KEY\nENV VITE_SHIPPO_KEY value')).toEqual(['NEXT_PUBLIC_SHIPPO_KEY@4', 'VITE_SHIPPO_KEY@31']);
  });
  it('ignores mentions and references that define nothing', () => {
    expect(names('Set NEXT_PUBLIC_SHIPPO_KEY in your dashboard.')).toEqual([]);
    expect(names('X=$NEXT_PUBLIC_SHIPPO_KEY')).toEqual([]);
    expect(names('process.env.NEXT_PUBLIC_SHIPPO_KEY')).toEqual([]);
    expect(names('SHIPPO_API_KEY=x')).toEqual([]);
  });
});

describe('fencedCodeOnly', () => {
  it('keeps fenced code at its offsets and blanks prose, fence lines and unclosed-fence text stays code', () => {
    const md = 'Never set NEXT_PUBLIC_SHIPPO_KEY: it ships to browsers.\r\n\n```env\nNEXT_PUBLIC_SHIPPO_KEY=x\n```\nVITE_SHIPPO_KEY: prose\n~~~~yaml\nGATSBY_SHIPPO_KEY: y\n~~~\nstill: code\n~~~~\nafter\n';
    const kept = fencedCodeOnly(md);
    expect(kept).toHaveLength(md.length);
    expect(kept.split('\n').map((l) => l.trim())).toEqual(['', '', '', 'NEXT_PUBLIC_SHIPPO_KEY=x', '', '', '', 'GATSBY_SHIPPO_KEY: y', '~~~', 'still: code', '', '', '']);
    expect(kept.indexOf('\r')).toBe(md.indexOf('\r'));
    const names = publicEnvAssignments(kept).map(({ name, offset }) => [name, md.slice(offset, offset + name.length)]);
    expect(names).toEqual([
      ['NEXT_PUBLIC_SHIPPO_KEY', 'NEXT_PUBLIC_SHIPPO_KEY'],
      ['GATSBY_SHIPPO_KEY', 'GATSBY_SHIPPO_KEY'],
    ]);
  });
});
