import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { readCachedVerification } from '@shippo-keyguard/core/cache';
import { ConfigError, readConfigFile, redactKeys, type KeyguardConfig, type LoadedConfig } from '@shippo-keyguard/core/config';
import { ApiBaseUrlError, cacheKeyFor, resolveApiBaseUrl } from '@shippo-keyguard/core/verify';
import { formatJson, parseJsonReport, ReportInputError, summaryLine, writeFileAtomic, type ReportInput, type ScanReport } from '@shippo-keyguard/core/report';
import { CliError, EXIT, describeError } from '../errors.js';
import { scanReport, type Steps } from '../finish.js';
import type { RunIO, RunResult } from '../io.js';
import { maxFileSizeOf } from '../options.js';
import { githubServerUrl, githubToken } from '../org/endpoints.js';
import { cloneBare, gitAuthEnv, listRemoteRefs, presentCommits, type RemoteRefs } from '../org/git-remote.js';
import { resolveWithConfig } from '../resolve-options.js';
import { verifyConcurrency, verifyTimeout } from '../steps/verify.js';
import { TOOL } from '../version.js';
import { historySourceFor, type HistoryArgs } from './history.js';

export const command = 'shard';
export const describe = 'Clone and scan the repositories of one organisation-scan shard, skipping those whose refs did not move (the matrix job)';

export function builder<T>(y: Argv<T>) {
  return y
    .option('repos', { requiresArg: true, type: 'string', demandOption: true, describe: 'owner/name of each repository, space-separated (a matrix entry of `repos`)' })
    .option('out-dir', { requiresArg: true, type: 'string', demandOption: true, describe: 'Directory for one JSON report per repository' })
    .option('server-url', { requiresArg: true, type: 'string', describe: 'Clone from SERVER/owner/name.git (default: GITHUB_SERVER_URL, else https://github.com)' })
    .option('previous', { requiresArg: true, type: 'string', describe: 'The previous merged JSON report: refs that did not move are not cloned, moved ones scanned from there' })
    .option('full', { type: 'boolean', default: false, describe: 'Clone and scan every repository whole, whatever --previous says' })
    .option('work-dir', { requiresArg: true, type: 'string', describe: 'Where clones go while they are scanned (default: a temporary directory)' })
    .option('verify', { type: 'boolean', default: false, describe: 'Verify the keys found (as history --verify)', group: 'Verification:' })
    .option('verify-concurrency', { requiresArg: true, type: 'number', coerce: verifyConcurrency, describe: 'As history --verify-concurrency', group: 'Verification:' })
    .option('verify-timeout', { requiresArg: true, type: 'number', coerce: verifyTimeout, describe: 'As history --verify-timeout', group: 'Verification:' })
    .option('api-base-url', { requiresArg: true, type: 'string', describe: 'As history --api-base-url', group: 'Verification:' })
    .option('max-file-size', { requiresArg: true, type: 'string', describe: 'As history --max-file-size' })
    .option('config', {
      requiresArg: true,
      type: 'string',
      describe:
        "One configuration file for every repository (an organisation-wide allow list; its ignore patterns match paths in each repository); by default none is read, and never a scanned repository's own",
    })
    .option('trust-inline-allows', {
      type: 'boolean',
      default: false,
      describe: "Honour the scanned repositories' inline allow comments (shippo-keyguard:allow, gitleaks:allow, pragma: allowlist secret); by default they are reported, so a committer cannot hide a key from the organisation scan",
    })
    .example('$0 shard --repos "acme/api acme/web" --previous state/merged.json --out-dir reports --verify', 'one matrix job of the organisation scan');
}

export interface ShardArgs {
  repos: string;
  outDir: string;
  serverUrl?: string;
  previous?: string;
  full: boolean;
  workDir?: string;
  verify: boolean;
  verifyConcurrency?: number;
  verifyTimeout?: number;
  apiBaseUrl?: string;
  maxFileSize?: string;
  config?: string;
  trustInlineAllows: boolean;
}

const NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** `acme/api` -> `acme__api.json`: one flat directory of reports, one per repository. */
export function reportFileName(name: string): string {
  return `${name.replace('/', '__')}.json`;
}

function sameRefs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Write a JSON report with the organisation-scan fields (`scan`, `repository.refs`) added. */
function writeShardReport(file: string, json: string, scan: string, refs: Readonly<Record<string, string>> | undefined, name: string): void {
  const body = JSON.parse(json) as Record<string, unknown> & { repository?: Record<string, unknown> };
  body['repository'] = { ...(body.repository ?? {}), name, ...(refs ? { refs } : {}) };
  body['scan'] = scan;
  writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`);
}

/**
 * A repository's previous findings as a report of their own (`scan: unchanged`): the merge keeps
 * them while the repository is not scanned again. A verdict the verification cache holds and that is
 * newer replaces the carried one.
 */
function carriedReport(prev: ReportInput, env: NodeJS.ProcessEnv, apiBase: URL, exitCode: number, warning?: string): string {
  const findings = prev.findings.map((f) => {
    // The entry name of a verdict from this API (the fingerprint itself for Shippo's).
    const cached = readCachedVerification(cacheKeyFor(f.fingerprint, apiBase), { env });
    if (!cached || Date.parse(cached.checkedAt) <= Date.parse(f.verification?.checkedAt ?? '')) return f;
    return { ...f, verification: { status: cached.status, checkedAt: cached.checkedAt, cached: true } };
  });
  const now = new Date().toISOString();
  const report: ScanReport = {
    tool: TOOL,
    command: prev.command,
    root: prev.root,
    findings,
    warnings: warning ? [{ code: 'not-scanned', message: warning }] : [],
    stats: { scanned: 0, bytes: 0, skipped: 0, durationMs: 0 },
    repository: prev.repository,
    startedAt: prev.startedAt ?? now,
    endedAt: prev.endedAt ?? now,
    exitCode,
  };
  return formatJson(report);
}

/** A report with no findings: of an empty repository (exit 0), or of one that could not be scanned (exit 2, with why). */
function emptyReport(name: string, uri: string, problem?: string): string {
  const now = new Date().toISOString();
  return formatJson({
    tool: TOOL,
    command: 'history',
    root: '',
    findings: [],
    warnings: problem ? [{ code: 'not-scanned', message: problem }] : [],
    stats: { scanned: 0, bytes: 0, skipped: 0, durationMs: 0 },
    repository: { uri, name },
    startedAt: now,
    endedAt: now,
    exitCode: problem ? EXIT.ERROR : EXIT.OK,
  });
}

function readPrevious(file: string, cwd: string): Map<string, ReportInput> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`--previous: cannot read ${file}: ${describeError(error)}`);
  }
  try {
    return new Map(parseJsonReport(text, file).map((r) => [r.name, r]));
  } catch (error) {
    if (error instanceof ReportInputError) throw new CliError(`--previous: ${error.message}`);
    throw error;
  }
}

/** Read the organisation's configuration once, before any clone: a broken file is one line and exit 2. */
function readOrgConfig(file: string, given: string): KeyguardConfig {
  try {
    return readConfigFile(file);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.lines((f) => (f === file ? given : f)).join('\n'));
    throw error;
  }
}

export async function handler(args: ShardArgs, io: RunIO, steps: Steps): Promise<RunResult> {
  const names = args.repos.split(/\s+/).filter((n) => n !== '');
  if (names.length === 0) throw new CliError('--repos: no repository named');
  for (const name of names) if (!NAME.test(name) || name.includes('..')) throw new CliError(`--repos: "${name}" is not owner/name`);
  const server = githubServerUrl(args.serverUrl, io.env);
  const config = args.config !== undefined ? resolve(io.cwd, args.config) : undefined;
  if (config !== undefined && !existsSync(config)) throw new CliError(`--config: ${args.config} does not exist`);
  // Read once here, and the same value applied to every repository.
  const org = config !== undefined ? { file: config, config: readOrgConfig(config, args.config as string) } : undefined;
  if (args.maxFileSize !== undefined) maxFileSizeOf({ maxFileSize: args.maxFileSize }); // a bad size fails before any clone
  let apiBase: URL;
  try {
    apiBase = resolveApiBaseUrl(args.apiBaseUrl, io.env).url;
  } catch (error) {
    if (error instanceof ApiBaseUrlError) throw new CliError(error.message);
    throw error;
  }
  const previous = args.previous ? readPrevious(args.previous, io.cwd) : new Map<string, ReportInput>();
  const outDir = resolve(io.cwd, args.outDir);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new CliError(`--out-dir: cannot create ${args.outDir}: ${describeError(error)}`);
  }
  const workRoot = args.workDir ? resolve(io.cwd, args.workDir) : tmpdir();
  mkdirSync(workRoot, { recursive: true });
  const work = mkdtempSync(join(workRoot, 'shippo-keyguard-shard-'));
  const env = gitAuthEnv(server, githubToken(io.env), io.env);
  // The token is for git only: the scan's verification must never see it.
  const historyEnv: NodeJS.ProcessEnv = { ...io.env };
  delete historyEnv['GITHUB_TOKEN'];
  delete historyEnv['GH_TOKEN'];
  const scanIo: RunIO = { ...io, cwd: work, env: historyEnv, stdoutIsTTY: false, stderrIsTTY: false };
  // The options of `history` for every repository, as its command line would give them. No
  // baseline: each repository's history is reported whole. Inline allow comments (ours and other
  // tools') count only when the organisation trusts its committers.
  const historyOptions = {
    format: 'json' as const,
    redact: true,
    showSuppressed: false,
    verify: args.verify,
    verifyCache: true,
    ...(args.verifyConcurrency !== undefined ? { verifyConcurrency: args.verifyConcurrency } : {}),
    ...(args.verifyTimeout !== undefined ? { verifyTimeout: args.verifyTimeout } : {}),
    ...(args.apiBaseUrl !== undefined ? { apiBaseUrl: args.apiBaseUrl } : {}),
    ...(args.maxFileSize !== undefined ? { maxFileSize: args.maxFileSize } : {}),
    baseline: false as const,
    inlineAllow: args.trustInlineAllows,
    foreignAllow: true,
    strict: false,
    recurseSubmodules: false,
  };

  const log: string[] = [];
  let failed = 0;
  try {
    for (const [i, name] of names.entries()) {
      const url = `${server}/${name}.git`;
      const file = join(outDir, reportFileName(name));
      const prev = args.full ? undefined : previous.get(name);
      let remote: RemoteRefs;
      try {
        remote = await listRemoteRefs(url, env, work);
      } catch (error) {
        failed++;
        const message = `${name}: not scanned: ${describeError(error)}`;
        log.push(message);
        writeFileAtomic(file, prev ? carriedReport(prev, io.env, apiBase, EXIT.ERROR, message) : emptyReport(name, url, message));
        continue;
      }
      if (prev?.repository.refs && sameRefs(prev.repository.refs, remote.refs)) {
        const n = Object.keys(remote.refs).length;
        log.push(`${name}: unchanged since the previous scan (${n} ref${n === 1 ? '' : 's'}), not cloned`);
        writeShardReport(file, carriedReport(prev, io.env, apiBase, prev.exitCode === EXIT.ERROR ? EXIT.OK : prev.exitCode), 'unchanged', remote.refs, name);
        continue;
      }
      if (Object.keys(remote.refs).length === 0) {
        log.push(`${name}: empty repository, nothing to scan`);
        writeShardReport(file, emptyReport(name, url), 'full', remote.refs, name);
        continue;
      }
      const dir = join(work, String(i));
      try {
        await cloneBare(url, dir, remote.head, env, work);
        const since = prev?.repository.refs ? await presentCommits(dir, Object.values(prev.repository.refs), env) : [];
        const incremental = since.length > 0;
        // Only the organisation's configuration applies, handed to the scan rather than looked for:
        // nothing the scanned repository holds can quiet it (its own .shippo-keyguard.* is never
        // read, nor its baseline). Rooted in the clone, so `ignore` matches the repository's paths.
        const loaded: LoadedConfig = org !== undefined ? { ...org, dir } : { dir, config: {} };
        const historyArgs = resolveWithConfig({ ...historyOptions, repo: dir, repoName: name, ...(incremental ? { since } : {}) }, loaded) as HistoryArgs & Record<string, unknown>;
        // The engine's pipeline in-process, as `history` runs it: its report model, not its output.
        const { report } = await scanReport(await historySourceFor(historyArgs, scanIo), 'history', historyArgs, scanIo, steps);
        for (const w of report.warnings) log.push(`${name}: warning: ${w.message}`);
        log.push(`${name}: ${summaryLine(report)}`);
        if (report.exitCode === EXIT.ERROR) failed++;
        writeShardReport(file, formatJson(report), incremental ? 'incremental' : 'full', remote.refs, name);
        if (incremental && prev) {
          // What earlier nights found stays in the picture; the merge unites both.
          writeShardReport(join(outDir, reportFileName(name).replace(/\.json$/, '.carried.json')), carriedReport(prev, io.env, apiBase, prev.exitCode === EXIT.ERROR ? EXIT.OK : prev.exitCode), 'unchanged', undefined, name);
        }
        log.push(`${name}: scanned ${incremental ? `what moved since ${since.length} earlier tip${since.length === 1 ? '' : 's'}` : 'the whole history'}`);
      } catch (error) {
        failed++;
        // A revision or path in git's message may hold a key: quoted redacted, as the CLI prints errors.
        const message = `${name}: not scanned: ${redactKeys(describeError(error))}`;
        log.push(message);
        writeFileAtomic(file, prev ? carriedReport(prev, io.env, apiBase, EXIT.ERROR, message) : emptyReport(name, url, message));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log.push(`${names.length - failed} of ${names.length} repositories done${failed > 0 ? `; ${failed} failed (their reports say why)` : ''}`);
  return { exitCode: failed > 0 ? EXIT.ERROR : EXIT.OK, stdout: '', stderr: `${log.join('\n')}\n` };
}
