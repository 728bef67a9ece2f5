import { detectors as catalogue, type Detector, type KeyMatch } from '@shippo-keyguard/rules';

/** A detector's match with offsets into the whole content. Holds the key: internal to the engine. */
export interface RawMatch {
  readonly detector: Detector;
  readonly match: KeyMatch;
}

interface NeedlePlan {
  readonly needle: string;
  readonly bytes: Buffer;
  /** The part of the needle searched for in bytes (the catalogue's `rarerParts`), and where it sits in the needle. */
  readonly part: Buffer;
  readonly partAt: number;
  readonly detectors: readonly Detector[];
}

/**
 * The part of `needle` to search bytes for: the one a detector of `list` declares in `rarerParts`
 * (see there why), or the whole needle. Worked out once per catalogue, never in the search loop.
 */
export function searchPart(needle: string, list: readonly Detector[] = catalogue): string {
  for (const detector of list) {
    const part = detector.rarerParts?.[needle];
    if (part !== undefined && needle.includes(part)) return part;
  }
  return needle;
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
      const part = searchPart(needle, group);
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
