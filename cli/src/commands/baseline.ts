import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { BASELINE_FILE_NAME, findBaselineFile, formatBaseline, readBaseline, updateBaseline, type FindingLike } from '@shippo-keyguard/core/baseline';
import { ConfigError } from '@shippo-keyguard/core/config';
import { writeFileAtomic } from '@shippo-keyguard/core/report';
import { CliError, EXIT, describeError } from '../errors.js';
import { scanReport, type Steps } from '../finish.js';
import type { RunIO, RunResult } from '../io.js';
import type { ReportArgs } from '../options.js';
import { seesWholeScope } from '../steps/suppress.js';
import { displayPath, resolveOptions } from '../resolve-options.js';
import { historySourceFor, type HistoryArgs } from './history.js';
import { scanSource, type ScanArgs } from './scan.js';
import { stagedSourceFor, type StagedArgs } from './staged.js';

export const command = 'baseline [target] [args..]';
export const describe = 'Record the keys a scan finds in a baseline file, so later scans report only new ones';

const TARGETS = ['scan', 'history', 'staged'] as const;

export function builder<T>(y: Argv<T>) {
  return (
    y
      // Everything the baseline command does not know goes to the scan it runs.
      .parserConfiguration({ 'unknown-options-as-args': true, 'parse-positional-numbers': false })
      .strict(false)
      .positional('target', { type: 'string', describe: `The scan whose findings to record: ${TARGETS.join(', ')} (default scan)` })
      .positional('args', { type: 'string', array: true, describe: 'Arguments for that scan (paths, options)' })
      .option('baseline-file', {
        alias: 'o',
        type: 'string',
        default: BASELINE_FILE_NAME,
        describe: 'The baseline to write (known keys keep their entry, date and reason)',
      })
      .option('prune', { type: 'boolean', default: false, describe: 'Drop entries whose key the scan no longer finds' })
      .option('reason', { type: 'string', describe: 'Reason to record on new entries' })
      .example('$0 baseline', 'record the keys in the current directory')
      .example('$0 baseline history --prune', 'record every key in the git history; drop keys gone from it')
      .example('$0 scan --baseline .shippo-keyguard-baseline.json', 'then: report new keys only')
  );
}

export interface BaselineArgs {
  target?: string;
  args?: (string | number)[];
  baselineFile: string;
  prune: boolean;
  reason?: string;
}

/** Options of the inner scan that would change its report: the baseline is this command's only output. */
const OUTPUT_OPTIONS = /^(-f|--format|-o|--output|--sarif-file|--json-file|--no-redact|--redact|--show-suppressed)(=|$)/;

/** The day in UTC; `SOURCE_DATE_EPOCH` (seconds) pins it, as reproducible builds do. */
function today(env: NodeJS.ProcessEnv): string {
  const epoch = env['SOURCE_DATE_EPOCH'];
  const date = epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return date.toISOString().slice(0, 10);
}

export async function handler(args: BaselineArgs & Record<string, unknown>, io: RunIO, steps: Steps): Promise<RunResult> {
  // `baseline src` means `baseline scan src`.
  const given = args.target === undefined ? [] : [String(args.target)];
  const target = (TARGETS as readonly string[]).includes(given[0] ?? '') ? (given.shift() as string) : 'scan';
  const rest = [...given, ...(args.args ?? []).map(String)];
  const clash = rest.find((a) => OUTPUT_OPTIONS.test(a));
  if (clash !== undefined) throw new CliError(`baseline: ${clash.split('=')[0]} is not used here (the baseline file is the output; name it with --baseline-file)`);

  const file = resolve(io.cwd, args.baselineFile);
  const shown = displayPath(io, file);
  let previous;
  let before: string | undefined;
  if (existsSync(file)) {
    try {
      before = readFileSync(file, 'utf8');
      previous = readBaseline(file);
    } catch (error) {
      throw error instanceof ConfigError ? new CliError(error.lines((f) => displayPath(io, f)).join('\n')) : error;
    }
  }

  // The scan's arguments mean what they mean to that command (same parser, same resolved
  // options); its pipeline runs here, in-process, and hands back the report model.
  const { parseCommandLine } = await import('../run.js');
  // The scan reports every key, baselined or not (unless told which baseline to read): the file
  // being written is the one that decides.
  const baselineGiven = rest.some((a) => /^--(no-)?baseline(=|$)/.test(a));
  const parsed = await parseCommandLine([target, ...rest, ...(baselineGiven ? [] : ['--no-baseline'])]);
  const scanArgs = resolveOptions(parsed, io, findBaselineFile) as ReportArgs & Record<string, unknown>;
  // Only a scan of the whole scope can tell that a key is gone: some paths, the staged changes or
  // a history range see part of it, and would call every other entry stale (and prune it).
  const whole = seesWholeScope({ command: target, root: io.cwd }, scanArgs, io.cwd);
  if (args.prune && !whole) {
    throw new CliError(
      `baseline: --prune needs a scan of the whole ${target === 'history' ? 'history (no --since, --range or --branch)' : 'tree (`baseline` or `baseline history`)'}: a scan of part of it would drop the keys it did not look at`,
    );
  }
  const source =
    target === 'history'
      ? await historySourceFor(scanArgs as HistoryArgs & Record<string, unknown>, io)
      : target === 'staged'
        ? stagedSourceFor(scanArgs as StagedArgs & Record<string, unknown>, io)
        : scanSource(scanArgs as ScanArgs & Record<string, unknown>, io);
  const { report } = await scanReport(source, target, scanArgs, io, steps);
  // What the scan would have said on stderr in a machine format: its warnings.
  const scanWarnings = report.warnings.map((w) => `warning: ${w.message}`);
  if (report.exitCode === EXIT.ERROR) return { exitCode: EXIT.ERROR, stdout: '', stderr: scanWarnings.length > 0 ? `${scanWarnings.join('\n')}\n` : '' };
  // Keys already allowed by an inline comment or the configuration need no baseline entry.
  const keys: FindingLike[] = [...report.findings, ...(report.suppressed ?? []).filter((f) => f.suppression?.by === 'baseline')];
  const update = updateBaseline(previous, keys, {
    date: today(io.env),
    ...(args.reason !== undefined ? { reason: args.reason } : {}),
    prune: args.prune,
  });

  const text = formatBaseline(update.baseline);
  if (text !== before) {
    try {
      writeFileAtomic(file, text);
    } catch (error) {
      throw new CliError(`cannot write baseline ${shown}: ${describeError(error)}`);
    }
  }

  const stderr = [...scanWarnings];
  const stale = whole ? update.stale : [];
  if (!update.pruned) {
    for (const e of stale) {
      stderr.push(
        `warning: stale-baseline-entry: ${e.redacted} (${e.fingerprint.slice(0, 12)}, first seen in ${e.firstSeen.path}) is no longer found; --prune drops it`,
      );
    }
  }
  const n = update.baseline.entries.length;
  const parts = [`${n} ${n === 1 ? 'key' : 'keys'}`, `${update.added.length} new`];
  if (stale.length > 0) parts.push(`${stale.length} stale${update.pruned ? ' (pruned)' : ''}`);
  const verb = text === before ? 'unchanged' : 'wrote';
  return {
    exitCode: EXIT.OK,
    stdout: `${verb} ${shown}: ${parts.join(', ')}\n`,
    stderr: stderr.length > 0 ? `${stderr.join('\n')}\n` : '',
  };
}
