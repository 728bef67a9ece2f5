/** GitHub runs at most this many jobs from one matrix. */
export const MAX_MATRIX_JOBS = 256;

/** One matrix job: its number (1-based) and the repositories it scans, space-separated owner/name. */
export interface Shard {
  readonly shard: number;
  readonly repos: string;
  readonly count: number;
}

/** What `strategy.matrix` takes through `fromJSON`: `{ include: [...] }`. */
export interface Matrix {
  readonly include: readonly Shard[];
}

export interface ShardPlan {
  readonly matrix: Matrix;
  /** The shard size used: the one asked for, or larger to stay within the job limit. */
  readonly shardSize: number;
}

/**
 * Split repositories (already in the order to scan) into shards of `shardSize`; when that would
 * make more than `maxJobs` jobs, the shards grow so that the matrix stays within the limit.
 * The input order is kept, so shard membership is stable from night to night.
 */
export function planShards(names: readonly string[], shardSize: number, maxJobs: number = MAX_MATRIX_JOBS): ShardPlan {
  const size = Math.max(shardSize, Math.ceil(names.length / maxJobs));
  const include: Shard[] = [];
  for (let i = 0; i < names.length; i += size) {
    const part = names.slice(i, i + size);
    include.push({ shard: include.length + 1, repos: part.join(' '), count: part.length });
  }
  return { matrix: { include }, shardSize: size };
}
