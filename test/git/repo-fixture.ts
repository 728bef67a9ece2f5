import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { run, type RunResult } from 'shippo-keyguard';

const IDENTITY = ['-c', 'user.name=Fixture Bot', '-c', 'user.email=bot@example.test', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', '-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always'];

/** Temp dirs made by the fixtures, removed by `cleanup()`. */
const made: string[] = [];

export function tempDir(prefix = 'skg-git-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Author {
  readonly name: string;
  readonly email: string;
}

/** A real repository in a temp dir, driven with real git and fixed identities and clock. */
export class Repo {
  readonly dir: string;
  #clock = Date.UTC(2024, 0, 1) / 1000;

  constructor(dir?: string, init = true) {
    this.dir = dir ?? tempDir();
    if (init) this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    return this.gitAs({ name: 'Fixture Bot', email: 'bot@example.test' }, ...args);
  }

  gitAs(author: Author, ...args: string[]): string {
    this.#clock += 60;
    const date = `${this.#clock} +0000`;
    return execFileSync('git', [...IDENTITY, ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    }).trim();
  }

  write(path: string, content: string): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  remove(path: string): this {
    unlinkSync(join(this.dir, path));
    return this;
  }

  /** Stage everything and commit; returns the new commit id. */
  commit(message: string, author?: Author): string {
    this.git('add', '-A');
    if (author) this.gitAs(author, 'commit', '-q', '--allow-empty', '-m', message);
    else this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  head(): string {
    return this.git('rev-parse', 'HEAD');
  }
}

/** Run the CLI in-process like the bin shim would, as a non-terminal in CI. */
export function cli(cwd: string, ...argv: string[]): Promise<RunResult> {
  return run(argv, { cwd, env: { CI: '1' }, stdin: Readable.from([]), stdoutIsTTY: false, stderrIsTTY: false });
}

/** Every output of a run, to check that no full key leaks into any of them. */
export function everything(result: RunResult): string {
  return result.stdout + result.stderr;
}
