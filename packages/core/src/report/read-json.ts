import type { Finding } from '../finding.js';
import type { RepositoryRef, ReportedWarning } from './model.js';
import { repositoryNameOf } from './repository-name.js';

/** A JSON report that cannot be merged: one line, naming the file. */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}

/** One repository's part of a JSON report (a plain report has one; a merged report has many). */
export interface ReportInput {
  /** `owner/name`, else the remote URI, else the scan root: what merged reports group by. */
  readonly name: string;
  readonly repository: RepositoryRef;
  readonly root: string;
  readonly command: string;
  readonly exitCode: number;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly findings: readonly Finding[];
  readonly warnings: readonly ReportedWarning[];
  /** How an organisation scan covered it: `full`, `incremental` (only what moved) or `unchanged` (carried over). */
  readonly scan?: string;
  /** The file it came from. */
  readonly file: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A finding as a report holds it; never the key, even when the report was written with `--no-redact`. */
function findingOf(v: unknown, file: string, index: number): Finding {
  if (!isObject(v) || typeof v['fingerprint'] !== 'string' || !/^[0-9a-f]{64}$/.test(v['fingerprint']) || typeof v['path'] !== 'string' || typeof v['redacted'] !== 'string') {
    throw new ReportInputError(`${file}: findings[${index}] is not a shippo-keyguard finding (fingerprint, path and redacted are required)`);
  }
  const { key: _key, repository: _repository, ...finding } = v;
  return finding as unknown as Finding;
}

function warningsOf(v: unknown): ReportedWarning[] {
  if (!Array.isArray(v)) return [];
  return v.filter((w): w is ReportedWarning => isObject(w) && typeof w['code'] === 'string' && typeof w['message'] === 'string');
}

function refsOf(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const refs: Record<string, string> = {};
  for (const [ref, sha] of Object.entries(v)) if (typeof sha === 'string' && /^[0-9a-f]{40,64}$/.test(sha)) refs[ref] = sha;
  return refs;
}

function repositoryOf(v: unknown): RepositoryRef {
  if (!isObject(v)) return {};
  const refs = refsOf(v['refs']);
  return {
    ...(str(v['uri']) ? { uri: str(v['uri']) } : {}),
    ...(str(v['revision']) ? { revision: str(v['revision']) } : {}),
    ...(str(v['branch']) ? { branch: str(v['branch']) } : {}),
    ...(str(v['name']) ? { name: str(v['name']) } : {}),
    ...(refs ? { refs } : {}),
  };
}

/**
 * The repositories of a JSON report from `scan`, `history`, the Action, `shard` or `merge`
 * (version 1). Anything else is refused with the reason, so a wrong file never merges as "no keys".
 */
export function parseJsonReport(text: string, file: string): ReportInput[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ReportInputError(`${file}: not JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isObject(body) || !isObject(body['tool']) || body['tool']['name'] !== 'shippo-keyguard') {
    throw new ReportInputError(`${file}: not a shippo-keyguard JSON report (write one with --format json or --json-file)`);
  }
  if (body['version'] !== 1) throw new ReportInputError(`${file}: JSON report version ${String(body['version'])} is not supported (expected 1)`);
  if (!Array.isArray(body['findings'])) throw new ReportInputError(`${file}: the report has no findings list`);
  const command = str(body['command']) ?? 'scan';
  const exitCode = typeof body['exitCode'] === 'number' ? body['exitCode'] : 0;
  const times = { ...(str(body['startedAt']) ? { startedAt: str(body['startedAt']) } : {}), ...(str(body['endedAt']) ? { endedAt: str(body['endedAt']) } : {}) };
  const findings = body['findings'].map((f, i) => ({ finding: findingOf(f, file, i), repository: isObject(f) ? str(f['repository']) : undefined }));

  if (command === 'merge') {
    if (!Array.isArray(body['repositories'])) throw new ReportInputError(`${file}: a merged report needs its repositories list`);
    const warnings = Array.isArray(body['warnings']) ? body['warnings'] : [];
    return body['repositories'].filter(isObject).map((r) => {
      const name = str(r['name']) ?? '';
      return {
        name,
        repository: repositoryOf(r),
        root: str(r['root']) ?? '',
        command: str(r['command']) ?? 'history',
        exitCode: typeof r['exitCode'] === 'number' ? r['exitCode'] : 0,
        ...times,
        findings: findings.filter((f) => f.repository === name).map((f) => f.finding),
        warnings: warningsOf(warnings.filter((w) => isObject(w) && w['repository'] === name)),
        ...(str(r['scan']) ? { scan: str(r['scan']) } : {}),
        file,
      };
    });
  }
  const repository = repositoryOf(body['repository']);
  const root = str(body['root']) ?? '';
  const name = repository.name ?? repositoryNameOf(repository.uri) ?? repository.uri ?? (root || file);
  return [
    {
      name,
      repository,
      root,
      command,
      exitCode,
      ...times,
      findings: findings.map((f) => f.finding),
      warnings: warningsOf(body['warnings']),
      ...(str(body['scan']) ? { scan: str(body['scan']) } : {}),
      file,
    },
  ];
}
