import { detectors as catalogue, type Detector, type KeyMatch } from '@shippo-keyguard/rules';

/** A detector's match with offsets into the whole content. Holds the key: internal to the engine. */
export interface RawMatch {
  readonly detector: Detector;
  readonly match: KeyMatch;
}

interface NeedlePlan {
  readonly needle: string;
  readonly bytes: Buffer;
  readonly detectors: readonly Detector[];
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
    plan = [...byNeedle].map(([needle, group]) => ({ needle, bytes: Buffer.from(needle, 'latin1'), detectors: group }));
    planCache.set(list, plan);
  }
  return plan;
}

/** True when the content holds any needle of the catalogue: the whole cost for a clean file. */
export function mayHoldKey(content: Buffer | string, list: readonly Detector[] = catalogue): boolean {
  for (const { needle, bytes } of planFor(list)) {
    if (typeof content === 'string' ? content.includes(needle) : content.includes(bytes)) return true;
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
    let hit = isText ? content.indexOf(plan.needle) : content.indexOf(plan.bytes);
    while (hit !== -1) {
      for (const detector of plan.detectors) {
        const match = isText ? detector.matchAt(content, hit, plan.needle) : matchInWindow(content, hit, plan.needle, detector);
        if (match !== undefined) {
          const id = `${detector.id}:${match.start}:${match.end}`;
          if (!found.has(id)) found.set(id, { detector, match });
        }
      }
      hit = isText ? content.indexOf(plan.needle, hit + 1) : content.indexOf(plan.bytes, hit + 1);
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
