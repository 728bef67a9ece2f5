import { detectors as catalogue, type Detector, type KeyMatch } from '@shippo-keyguard/rules';

/** A detector's match with offsets into the whole content. Holds the key: internal to the engine. */
export interface RawMatch {
  readonly detector: Detector;
  readonly match: KeyMatch;
}

interface NeedlePlan {
  readonly needle: string;
  readonly bytes: Buffer;
  /** The part of the needle searched for in bytes (see RARER_PART), and where it sits in the needle. */
  readonly part: Buffer;
  readonly partAt: number;
  readonly detectors: readonly Detector[];
}

/**
 * For the byte search, a part of each catalogue needle that starts with a rarer byte: the search
 * runs memchr on the part's first byte, and `s`, `c` and `N` are common in text while `h…`, `H`,
 * `X`, `G` are not, and NUL is rarest of all in text (measured on the files benchmark tree: 35 ms
 * against 190 ms for the full needles). A hit of the part is a hit only where the whole needle is.
 */
export const RARER_PART: Readonly<Record<string, string>> = {
  shippo_: 'hippo_',
  's\0h\0i\0p\0p\0o\0_': '\0p\0o\0_',
  c2hpcHBvX: 'HBvX',
  NoaXBwb19: 'XBwb19',
  zaGlwcG9f: 'GlwcG9f',
};

/** The part of `needle` to search bytes for: RARER_PART's, or the whole needle. */
export function searchPart(needle: string): string {
  const part = RARER_PART[needle];
  return part !== undefined && needle.includes(part) ? part : needle;
}

const planCache = new WeakMap<readonly Detector[], readonly NeedlePlan[]>();

/** Group detectors by needle, so each distinct needle is searched once. */
function planFor(list: readonly Detector[]): readonly NeedlePlan[] {
  let plan = planCache.get(list);
  if (plan === undefined) {
    const byNeedle = new Map<string, Detector[]>();
    for (const detector of list) {
      for (const needle of detector.needles) {
        const group = byNeedle.get(needle) ?? [];
        group.push(detector);
        byNeedle.set(needle, group);
      }
    }
    plan = [...byNeedle].map(([needle, group]) => {
      const part = searchPart(needle);
      return { needle, bytes: Buffer.from(needle, 'latin1'), part: Buffer.from(part, 'latin1'), partAt: needle.indexOf(part), detectors: group };
    });
    planCache.set(list, plan);
  }
  return plan;
}

/** Where the plan's needle next occurs in the bytes at or after `from`, or -1. */
function nextNeedle(content: Buffer, plan: NeedlePlan, from: number): number {
  const { bytes, part, partAt } = plan;
  let at = content.indexOf(part, from + partAt);
  while (at !== -1) {
    const start = at - partAt;
    if (partAt === 0 && part.length === bytes.length) return start;
    if (start + bytes.length <= content.length && content.compare(bytes, 0, bytes.length, start, start + bytes.length) === 0) return start;
    at = content.indexOf(part, at + 1);
  }
  return -1;
}

/** True when the content holds any needle of the catalogue: the whole cost for a clean file. */
export function mayHoldKey(content: Buffer | string, list: readonly Detector[] = catalogue): boolean {
  for (const plan of planFor(list)) {
    if (typeof content === 'string' ? content.includes(plan.needle) : nextNeedle(content, plan, 0) !== -1) return true;
  }
  return false;
}

/**
 * Every key in the content, in order of position. A literal search for each needle finds
 * candidates; detectors look only at a small window around each hit, and a Buffer is decoded
 * only inside those windows (latin1, so a window index is a byte offset).
 */
export function findKeys(content: Buffer | string, list: readonly Detector[] = catalogue): RawMatch[] {
  const found = new Map<string, RawMatch>();
  for (const plan of planFor(list)) {
    const isText = typeof content === 'string';
    let hit = isText ? content.indexOf(plan.needle) : nextNeedle(content, plan, 0);
    while (hit !== -1) {
      for (const detector of plan.detectors) {
        const match = isText ? detector.matchAt(content, hit, plan.needle) : matchInWindow(content, hit, plan.needle, detector);
        if (match !== undefined) {
          const id = `${detector.id}:${match.start}:${match.end}`;
          if (!found.has(id)) found.set(id, { detector, match });
        }
      }
      hit = isText ? content.indexOf(plan.needle, hit + 1) : nextNeedle(content, plan, hit + 1);
    }
  }
  return [...found.values()].sort((a, b) => a.match.start - b.match.start || a.match.end - b.match.end);
}

function matchInWindow(buffer: Buffer, hit: number, needle: string, detector: Detector): KeyMatch | undefined {
  // At an even offset, so the window keeps the content's UTF-16 alignment (see the rules' UTF-16 matcher).
  const unaligned = Math.max(0, hit - detector.window.before);
  const from = unaligned - (unaligned % 2);
  const to = Math.min(buffer.length, hit + needle.length + detector.window.after);
  const match = detector.matchAt(buffer.toString('latin1', from, to), hit - from, needle);
  if (match === undefined) return undefined;
  return { ...match, start: match.start + from, end: match.end + from };
}
