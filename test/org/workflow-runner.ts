import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { gitEnv, shAsync, tempDir } from '../integrations/support/git.js';
import { parseOutputFile } from '../integrations/support/runner.js';

/**
 * Runs the jobs of a workflow file the way a GitHub-hosted runner does, one job at a time on this
 * machine: each job gets a fresh workspace, HOME and RUNNER_TEMP; `run:` steps go through
 * `bash --noprofile --norc -eo pipefail` with the runner's variables (GITHUB_OUTPUT, GITHUB_PATH,
 * GITHUB_STEP_SUMMARY, ...); `${{ }}` expressions are evaluated for the contexts the workflow uses.
 * The `uses:` actions it needs are emulated: checkout (the shippo-keyguard checkout given, or the
 * calling repository's work tree when no `repository` is named), cache,
 * cache/restore, cache/save (a store kept across runs, matched by key and restore-keys as the cache
 * service does) and upload/download-artifact (a store per run).
 */
interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  run?: string;
  if?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix?: unknown };
  steps: Step[];
}
export interface Workflow {
  env?: Record<string, unknown>;
  on: { workflow_call?: { inputs?: Record<string, { default?: unknown }> } };
  jobs: Record<string, Job>;
}

export interface JobResult {
  readonly status: number;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly log: string;
  /** Every file the job left in its workspace (for leak checks). */
  readonly workspace: string;
}

export interface CacheEntry {
  readonly key: string;
  readonly dir: string;
  readonly time: number;
}

export class WorkflowRunner {
  readonly workflow: Workflow;
  readonly inputs: Record<string, unknown>;
  /** Kept across runs (nights), as the Actions cache is. */
  readonly cache: CacheEntry[];
  readonly artifacts = new Map<string, string>();
  private readonly store = tempDir('wf-store');
  private tick = 0;

  constructor(
    workflowFile: string,
    private readonly options: {
      inputs: Record<string, unknown>;
      secrets: Record<string, string>;
      runId: string;
      keyguardDir: string;
      /** The calling repository's work tree (a checkout without `repository:`). */
      callerDir?: string;
      env: NodeJS.ProcessEnv;
      cache?: CacheEntry[];
    },
  ) {
    this.workflow = YAML.parse(readFileSync(workflowFile, 'utf8')) as Workflow;
    const declared = this.workflow.on.workflow_call?.inputs ?? {};
    for (const name of Object.keys(options.inputs)) if (!(name in declared)) throw new Error(`unexpected input ${name}`);
    this.inputs = Object.fromEntries(Object.entries(declared).map(([k, spec]) => [k, options.inputs[k] ?? spec.default ?? '']));
    this.cache = options.cache ?? [];
  }

  /** `${{ expr }}` for the subset of the expression language the workflow uses. */
  evaluate(expr: string, ctx: Record<string, unknown>): unknown {
    const e = expr.trim();
    const or = splitTop(e, '||');
    if (or.length > 1) {
      for (const part of or) {
        const v = this.evaluate(part, ctx);
        if (truthy(v)) return v;
      }
      return this.evaluate(or[or.length - 1]!, ctx);
    }
    const and = splitTop(e, '&&');
    if (and.length > 1) return and.every((p) => truthy(this.evaluate(p, ctx)));
    for (const op of ['!=', '==']) {
      const parts = splitTop(e, op);
      if (parts.length === 2) {
        const [a, b] = parts.map((p) => String(this.evaluate(p, ctx)));
        return op === '==' ? a === b : a !== b;
      }
    }
    if (e.startsWith('!')) return !truthy(this.evaluate(e.slice(1), ctx));
    if (e === 'cancelled()') return false;
    if (e === 'always()') return true;
    const lit = /^'(.*)'$/.exec(e);
    if (lit) return lit[1];
    const fromJson = /^fromJSON\((.*)\)$/.exec(e);
    if (fromJson) return JSON.parse(String(this.evaluate(fromJson[1]!, ctx)));
    if (!/^[\w.-]+$/.test(e)) throw new Error(`unsupported expression: ${e}`);
    let v: unknown = ctx;
    for (const part of e.split('.')) v = v === undefined || v === null ? undefined : (v as Record<string, unknown>)[part];
    return v ?? '';
  }

  private substitute(text: string, ctx: Record<string, unknown>): string {
    return text.replace(/\$\{\{\s*([\s\S]+?)\s*\}\}/g, (_m, e: string) => {
      const v = this.evaluate(e, ctx);
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }

  private condition(text: string | undefined, ctx: Record<string, unknown>): boolean {
    if (text === undefined) return true;
    const m = /^\$\{\{\s*([\s\S]+?)\s*\}\}$/.exec(text.trim());
    return truthy(this.evaluate(m ? m[1]! : text, ctx));
  }

  /** The matrix entries of a job, given the outputs of the jobs it needs. */
  matrixOf(jobId: string, needs: Record<string, { outputs: Record<string, string> }>): Record<string, unknown>[] {
    const job = this.workflow.jobs[jobId]!;
    const raw = job.strategy?.matrix;
    if (raw === undefined) return [{}];
    const m = (typeof raw === 'string' ? this.substituteValue(raw, { needs, inputs: this.inputs }) : raw) as { include?: Record<string, unknown>[] };
    return m.include ?? [];
  }

  private substituteValue(text: string, ctx: Record<string, unknown>): unknown {
    const whole = /^\$\{\{\s*([\s\S]+?)\s*\}\}$/.exec(text.trim());
    return whole ? this.evaluate(whole[1]!, ctx) : this.substitute(text, ctx);
  }

  /** Whether the job's `if:` lets it run. */
  shouldRun(jobId: string, needs: Record<string, { outputs: Record<string, string> }>): boolean {
    return this.condition(this.workflow.jobs[jobId]!.if, { needs, inputs: this.inputs, github: this.github() });
  }

  private github() {
    return { run_id: this.options.runId, run_attempt: '1', token: 'github-token-of-the-caller', server_url: this.options.env['GITHUB_SERVER_URL'] ?? '' };
  }

  async runJob(jobId: string, needs: Record<string, { outputs: Record<string, string> }> = {}, matrix: Record<string, unknown> = {}): Promise<JobResult> {
    const job = this.workflow.jobs[jobId]!;
    const root = tempDir(`job-${jobId}`);
    const workspace = join(root, 'workspace');
    const home = join(root, 'home');
    const temp = join(root, 'temp');
    for (const d of [workspace, home, temp]) mkdirSync(d, { recursive: true });
    const files = { output: join(temp, 'output'), path: join(temp, 'path'), summary: join(temp, 'summary.md') };
    writeFileSync(files.path, '');
    writeFileSync(files.summary, '');
    const steps: Record<string, { outputs: Record<string, string> }> = {};
    const ctx = (): Record<string, unknown> => ({
      inputs: this.inputs,
      secrets: this.options.secrets,
      github: this.github(),
      matrix,
      needs,
      steps,
      env: workflowEnv,
      runner: { temp },
    });
    const workflowEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.workflow.env ?? {})) workflowEnv[k] = this.substitute(String(v), ctx());
    const logs: string[] = [];
    const post: (() => void)[] = [];
    let status = 0;
    for (const [index, step] of job.steps.entries()) {
      if (!this.condition(step.if, ctx())) continue;
      const id = step.id ?? `__${index}`;
      const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, this.substitute(String(v), ctx())]));
      const expand = (p: string) => resolve(workspace, p.replace(/^~(?=\/)/, home));
      if (step.uses) {
        const action = step.uses.replace(/@.*$/, '');
        if (action === 'actions/checkout') {
          // With `repository`, shippo-keyguard's checkout; without, the calling repository's.
          const from = w['repository'] !== undefined ? this.options.keyguardDir : this.options.callerDir;
          if (from === undefined) throw new Error('actions/checkout of the calling repository: no callerDir given');
          symlinkSync(from, join(workspace, w['path']!));
        } else if (action === 'actions/cache' || action === 'actions/cache/restore') {
          const hit = this.restore(w['key']!, String(w['restore-keys'] ?? '').split('\n').filter(Boolean), expand(w['path']!));
          steps[id] = { outputs: { 'cache-hit': String(hit === w['key']) } };
          if (action === 'actions/cache' && hit !== w['key']) post.push(() => this.save(w['key']!, expand(w['path']!)));
        } else if (action === 'actions/cache/save') {
          this.save(w['key']!, expand(w['path']!));
        } else if (action === 'actions/upload-artifact') {
          const from = expand(w['path']!);
          if (!existsSync(from) || readdirSync(from).length === 0) throw new Error(`upload-artifact: no files at ${w['path']}`);
          const to = join(this.store, 'artifacts', w['name']!);
          if (this.artifacts.has(w['name']!)) throw new Error(`upload-artifact: ${w['name']} uploaded twice`);
          cpSync(from, to, { recursive: true });
          this.artifacts.set(w['name']!, to);
        } else if (action === 'actions/download-artifact') {
          const pattern = new RegExp(`^${w['pattern']!.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
          for (const [name, dir] of this.artifacts) if (pattern.test(name)) cpSync(dir, expand(w['path']!), { recursive: true });
        } else {
          throw new Error(`action ${step.uses} is not emulated`);
        }
        continue;
      }
      writeFileSync(files.output, '');
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(step.env ?? {})) env[k] = this.substitute(String(v), ctx());
      const extraPath = readFileSync(files.path, 'utf8').split('\n').filter(Boolean).reverse();
      const base = gitEnv(this.options.env);
      const r = await shAsync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', this.substitute(step.run!, ctx())], {
        cwd: workspace,
        env: {
          ...base,
          CI: 'true',
          GITHUB_ACTIONS: 'true',
          HOME: home,
          RUNNER_TEMP: temp,
          GITHUB_WORKSPACE: workspace,
          GITHUB_OUTPUT: files.output,
          GITHUB_PATH: files.path,
          GITHUB_STEP_SUMMARY: files.summary,
          GITHUB_RUN_ID: this.options.runId,
          PATH: [...extraPath, base['PATH'] ?? '/usr/bin:/bin'].join(':'),
          ...workflowEnv,
          ...env,
        },
      });
      logs.push(`## ${step.name ?? id}\n${r.stdout}${r.stderr}`);
      steps[id] = { outputs: parseOutputFile(readFileSync(files.output, 'utf8')) };
      if (r.status !== 0) {
        status = r.status;
        break;
      }
    }
    if (status === 0) for (const p of post) p();
    const outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, this.substitute(v, ctx())]));
    return { status, outputs, summary: readFileSync(files.summary, 'utf8'), log: logs.join('\n'), workspace };
  }

  private restore(key: string, restoreKeys: string[], path: string): string | undefined {
    const exact = this.cache.find((c) => c.key === key);
    const entry = exact ?? [...this.cache].sort((a, b) => b.time - a.time).find((c) => restoreKeys.some((p) => c.key.startsWith(p)));
    if (!entry) return undefined;
    mkdirSync(path, { recursive: true });
    cpSync(entry.dir, path, { recursive: true });
    return entry.key;
  }

  private save(key: string, path: string): void {
    // Like the cache service: an entry is immutable, a second save of a key is refused.
    if (this.cache.some((c) => c.key === key) || !existsSync(path)) return;
    const dir = join(this.store, 'cache', String(this.cache.length));
    cpSync(path, dir, { recursive: true });
    this.cache.push({ key, dir, time: ++this.tick + Date.now() });
  }

  dispose(): void {
    rmSync(this.store, { recursive: true, force: true });
  }
}

function truthy(v: unknown): boolean {
  return !(v === false || v === '' || v === 0 || v === null || v === undefined);
}

/** Split on an operator outside quotes and parentheses. */
function splitTop(e: string, op: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let last = 0;
  for (let i = 0; i < e.length; i++) {
    const c = e[i];
    if (c === "'") quote = !quote;
    else if (!quote && c === '(') depth++;
    else if (!quote && c === ')') depth--;
    else if (!quote && depth === 0 && e.startsWith(op, i)) {
      parts.push(e.slice(last, i).trim());
      last = i + op.length;
      i += op.length - 1;
    }
  }
  parts.push(e.slice(last).trim());
  return parts;
}
