import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ROOT } from './checkout.js';
import { gitEnv, removeDir, shAsync, tempDir } from './git.js';

/** The fenced block that follows `<!-- snippet: NAME -->` in a documentation page (relative to the root). */
export function docSnippet(page: string, name: string): string {
  const text = readFileSync(join(ROOT, page), 'utf8');
  const at = text.indexOf(`<!-- snippet: ${name} -->`);
  if (at === -1) throw new Error(`${page} has no snippet ${name}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(text.slice(at));
  if (!m?.[1]) throw new Error(`snippet ${name} in ${page} has no code block`);
  return m[1];
}

/** The fenced block that follows `<!-- snippet: NAME -->` in the README. */
export function readmeSnippet(name: string): string {
  return docSnippet('README.md', name);
}

export interface ActionMetadata {
  name?: string;
  description?: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string; value?: string }>;
  runs?: { using?: string; main?: string; steps?: { id?: string; run?: string; shell?: string; uses?: string; env?: Record<string, string> }[] };
}

export function actionMetadata(dir = ROOT): ActionMetadata {
  return YAML.parse(readFileSync(join(dir, 'action.yml'), 'utf8')) as ActionMetadata;
}

/** Parse a `$GITHUB_OUTPUT` file: `name=value` lines and `name<<DELIM` heredocs. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i] ?? '');
      out[heredoc[1] as string] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export interface ActionRun {
  readonly status: number;
  readonly log: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  /** Each step's `$GITHUB_OUTPUT` file as written. */
  readonly outputFiles: string[];
}

const EXPRESSION = /\$\{\{\s*([^}]+?)\s*\}\}/g;

/**
 * Run a composite action the way the runner does: inputs resolved against action.yml (defaults,
 * unknown inputs refused), `${{ inputs.* }}` substituted into each step's env, the step's script
 * run by `bash --noprofile --norc -eo pipefail` in the workspace with the runner's GITHUB_*
 * variables, and the action's outputs mapped from the steps' `$GITHUB_OUTPUT`.
 */
export async function runCompositeAction(options: {
  actionDir: string;
  workspace: string;
  with: Record<string, unknown>;
  eventName: string;
  payload: unknown;
  env?: NodeJS.ProcessEnv;
}): Promise<ActionRun> {
  const meta = actionMetadata(options.actionDir);
  const declared = meta.inputs ?? {};
  for (const name of Object.keys(options.with)) if (!(name in declared)) throw new Error(`unexpected input ${name}`);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const given = options.with[name];
    inputs[name] = given === undefined ? String(spec.default ?? '') : String(given);
  }
  const temp = tempDir('runner');
  const eventPath = join(temp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.payload));
  const summaryPath = join(temp, 'summary.md');
  writeFileSync(summaryPath, '');
  const stepOutputs: Record<string, Record<string, string>> = {};
  const context = (expr: string, step: string): string => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) {
      if (!(input[1]! in inputs)) throw new Error(`${step}: expression refers to undeclared input ${input[1]}`);
      return inputs[input[1]!]!;
    }
    if (expr === 'github.action_path') return options.actionDir;
    const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (out) return stepOutputs[out[1]!]?.[out[2]!] ?? '';
    throw new Error(`${step}: unsupported expression ${expr}`);
  };
  const logs: string[] = [];
  const outputFiles: string[] = [];
  let status = 0;
  for (const [index, step] of (meta.runs?.steps ?? []).entries()) {
    const id = step.id ?? `__${index}`;
    if (step.run === undefined) throw new Error(`step ${id}: only run steps are emulated`);
    if (step.shell !== 'bash') throw new Error(`step ${id}: shell ${step.shell} not emulated`);
    const outputPath = join(temp, `output-${index}`);
    writeFileSync(outputPath, '');
    const stepEnv: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = String(v).replace(EXPRESSION, (_m, e: string) => context(e, id));
    const r = await shAsync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run.replace(EXPRESSION, (_m, e: string) => context(e, id))], {
      cwd: options.workspace,
      env: gitEnv({
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: options.actionDir,
        GITHUB_WORKSPACE: options.workspace,
        GITHUB_EVENT_NAME: options.eventName,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_OUTPUT: outputPath,
        GITHUB_STEP_SUMMARY: summaryPath,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/shop',
        RUNNER_TEMP: temp,
        ...options.env,
        ...stepEnv,
      }),
    });
    logs.push(r.stdout, r.stderr);
    outputFiles.push(readFileSync(outputPath, 'utf8'));
    stepOutputs[id] = parseOutputFile(outputFiles[outputFiles.length - 1]!);
    if (r.status !== 0) {
      status = r.status;
      break;
    }
  }
  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(meta.outputs ?? {})) outputs[name] = String(spec.value ?? '').replace(EXPRESSION, (_m, e: string) => context(e, 'outputs'));
  const summary = readFileSync(summaryPath, 'utf8');
  removeDir(temp);
  return { status, log: logs.join(''), outputs, summary, outputFiles };
}

/** The `with:` of the keyguard step (the one whose `uses:` is this action) in a README workflow job. */
export function workflowStepInputs(workflow: string, job: string): Record<string, unknown> {
  const doc = YAML.parse(workflow) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
  const step = doc.jobs[job]?.steps.find((s) => s.uses?.startsWith('shippo-keyguard/shippo-keyguard@'));
  if (!step) throw new Error(`job ${job} has no shippo-keyguard step`);
  return step.with ?? {};
}
