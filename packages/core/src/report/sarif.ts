import { nodeCrypto } from '../builtins/crypto.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { detectorById, detectors, type Detector } from '@shippo-keyguard/rules';
import { archivePath, stepName } from '../archive/path.js';
import type { Finding } from '../finding.js';
import { findingLevel, unverifiedLevel } from '../severity.js';
import { detectorDocsUrl } from '../project.js';
import type { ScanReport } from './model.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Name of our partial fingerprint: stable across line moves, tied to the key and its path. */
export const PARTIAL_FINGERPRINT = 'shippoKeyguard/keyAtPath/v1';

/** GitHub code scanning rejects a run with more results than this (and stores the top 5,000 by severity). */
export const MAX_SARIF_RESULTS = 25_000;

const SEVERITY_ORDER: Record<Sarif.Result.level, number> = { error: 0, warning: 1, note: 2, none: 3 };

/**
 * The findings a SARIF run can hold: all of them, or the most severe when there are too many
 * (by level, then live keys before test keys).
 */
function sarifFindings(findings: readonly Finding[]): readonly Finding[] {
  if (findings.length <= MAX_SARIF_RESULTS) return findings;
  const rank = (i: number): number => SEVERITY_ORDER[sarifLevel(findings[i]!)];
  const weight = (i: number): number => (findings[i]!.kind === 'live' ? 1 : 0);
  const order = findings.map((_f, i) => i).sort((a, b) => rank(a) - rank(b) || weight(b) - weight(a) || a - b);
  const kept = new Set(order.slice(0, MAX_SARIF_RESULTS));
  return findings.filter((_f, i) => kept.has(i));
}

function ruleFor(d: Detector): Sarif.ReportingDescriptor {
  return {
    id: d.id,
    name: d.name,
    shortDescription: { text: d.description },
    fullDescription: { text: `${d.description} ${d.confidence === 'low' ? 'Low confidence.' : ''}`.trim() },
    help: { text: d.help.text, markdown: d.help.markdown },
    helpUri: detectorDocsUrl(d.id),
    defaultConfiguration: { level: unverifiedLevel(d.id, 'live') },
    properties: {
      tags: [...d.tags],
      precision: d.confidence === 'high' ? 'very-high' : 'medium',
      'security-severity': d.securitySeverity.toFixed(1),
      problem: { severity: unverifiedLevel(d.id, 'live') === 'note' ? 'recommendation' : unverifiedLevel(d.id, 'live') },
    },
  };
}

/** SARIF level of one result: the engine's severity model (`severity.ts`), as every report shows it. */
export function sarifLevel(f: Finding): Sarif.Result.level {
  return findingLevel(f);
}

export function resultMessage(f: Finding, shown: string): string {
  const status = f.verification && f.verification.status !== 'unchecked' ? `${f.verification.status.toUpperCase()} ` : '';
  // The catalogue says how a match is described: an encoded key names its encoding.
  const detector = detectorById(f.detector);
  const what = detector?.describedAs === 'encoded-key' && detector.encoding ? ` encoded in ${detector.encoding}` : '';
  const reason = f.verification?.status === 'unknown' && f.verification.reason ? ` (verification: ${f.verification.reason})` : '';
  const where = f.introduced ? ` introduced in ${f.introduced.stash ? `stash entry ${f.introduced.stash}, ` : ''}commit ${f.introduced.commit.slice(0, 12)}` : '';
  // GitHub shows the committed (outer) file; the message says where inside it the key is.
  const inside = f.archive && f.archive.length > 0 ? ` inside ${archivePath(f.path, f.archive)}` : '';
  return `${status}Shippo ${f.kind}-mode key ${shown}${what}${inside}${where}${reason}.`;
}

/** RFC 3986 relative reference for a `/`-separated path (spaces, `#`, `%` and non-ASCII escaped). */
export function toUriReference(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * `run.artifacts` for findings inside archives, as SARIF nests them: the committed file with its
 * `uriBaseId`, then each entry with `parentIndex` pointing at its container and a `uri` relative
 * to it. Returns the index of a finding's innermost artifact.
 */
class NestedArtifacts {
  readonly list: Sarif.Artifact[] = [];
  readonly #index = new Map<string, number>();

  indexOf(f: Finding): number | undefined {
    if (!f.archive || f.archive.length === 0) return undefined;
    let key = f.path;
    let name = f.path;
    let parent = this.#add(key, { location: { uri: toUriReference(f.path), uriBaseId: '%SRCROOT%' }, roles: ['analysisTarget'] });
    for (const step of f.archive) {
      name = stepName(name, step);
      key += `\0${name}`;
      parent = this.#add(key, { location: { uri: toUriReference(name) }, parentIndex: parent, roles: ['analysisTarget'] });
    }
    return parent;
  }

  #add(key: string, artifact: Sarif.Artifact): number {
    let at = this.#index.get(key);
    if (at === undefined) {
      at = this.list.push(artifact) - 1;
      this.#index.set(key, at);
    }
    return at;
  }
}

function resultFor(f: Finding, ruleIndex: number, reveal: ((fp: string) => string | undefined) | undefined, artifacts: NestedArtifacts): Sarif.Result {
  const inner = artifacts.indexOf(f);
  const shown = reveal?.(f.fingerprint) ?? f.redacted;
  const properties: Record<string, unknown> = {
    kind: f.kind,
    keyFingerprint: f.fingerprint,
    redacted: f.redacted,
    source: f.source,
    binary: f.binary,
    verification: f.verification?.status ?? 'unchecked',
  };
  if (f.verification?.reason) properties['verificationReason'] = f.verification.reason;
  if (f.blob) properties['blob'] = f.blob;
  if (f.introduced) {
    properties['commit'] = f.introduced.commit;
    properties['author'] = f.introduced.author;
    properties['authorEmail'] = f.introduced.email;
    properties['commitDate'] = f.introduced.date;
    if (f.introduced.stash) properties['stash'] = f.introduced.stash;
  }
  if (f.history) Object.assign(properties, f.history);
  if (f.archive && f.archive.length > 0) {
    properties['archivePath'] = archivePath(f.path, f.archive);
    properties['archive'] = f.archive;
  }
  return {
    ruleId: f.detector,
    ruleIndex,
    level: sarifLevel(f),
    message: { text: resultMessage(f, shown) },
    locations: [
      {
        physicalLocation: {
          // The committed file by uri (what GitHub maps the alert to), the entry inside it by index.
          artifactLocation: { uri: toUriReference(f.path), uriBaseId: '%SRCROOT%', ...(inner !== undefined ? { index: inner } : {}) },
          region: {
            startLine: f.startLine,
            startColumn: f.startColumn,
            endLine: f.endLine,
            endColumn: f.endColumn,
          },
        },
      },
    ],
    partialFingerprints: {
      [PARTIAL_FINGERPRINT]: nodeCrypto().createHash('sha256')
        .update(`${f.fingerprint}\0${f.archive && f.archive.length > 0 ? archivePath(f.path, f.archive) : f.path}`)
        .digest('hex'),
    },
    properties,
  };
}

/**
 * `repositoryUri` must be an absolute URI (SARIF1005), but a remote is often not one: the scp-like
 * `git@github.com:owner/repo.git` (actions/checkout with `ssh-key`) or a path.
 */
export function absoluteRepositoryUri(remote: string, root: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) return remote;
  const scp = /^(?:[^@/]+@)?([^:/]{2,}):(?!\/\/)(.*)$/.exec(remote);
  if (scp) return `ssh://${scp[1]}/${scp[2]!.replace(/^\/+/, '')}`;
  return pathToFileURL(resolve(root, remote)).href;
}

/** SARIF 2.1.0 for GitHub code scanning. No snippet: a region's text would be the key. */
export function buildSarif(report: ScanReport, reveal?: (fp: string) => string | undefined): Sarif.Log {
  const ruleIndex = new Map(detectors.map((d, i) => [d.id, i]));
  const root = pathToFileURL(report.root).href;
  const findings = sarifFindings(report.findings);
  const artifacts = new NestedArtifacts();
  const notifications: Sarif.Notification[] = report.warnings.map((w) => ({
    level: 'warning',
    message: { text: w.message },
    descriptor: { id: w.code },
    ...(w.path ? { locations: [{ physicalLocation: { artifactLocation: { uri: toUriReference(w.path), uriBaseId: '%SRCROOT%' } } }] } : {}),
  }));
  if (findings.length < report.findings.length) {
    notifications.push({
      level: 'warning',
      message: {
        text: `${report.findings.length - findings.length} findings are not in this SARIF log: GitHub code scanning accepts at most ${MAX_SARIF_RESULTS} results per run, so the most severe are kept; the JSON report (--json-file) has all of them`,
      },
      descriptor: { id: 'too-many-results' },
    });
  }
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: report.tool.name,
        semanticVersion: report.tool.version,
        version: report.tool.version,
        informationUri: report.tool.informationUri,
        rules: detectors.map(ruleFor),
      },
    },
    automationDetails: { id: `shippo-keyguard/${report.command}/` },
    originalUriBaseIds: { '%SRCROOT%': { uri: root.endsWith('/') ? root : `${root}/` } },
    invocations: [
      {
        executionSuccessful: report.exitCode !== 2,
        exitCode: report.exitCode,
        startTimeUtc: report.startedAt,
        endTimeUtc: report.endedAt,
        toolExecutionNotifications: notifications,
      },
    ],
    results: findings.map((f) => resultFor(f, ruleIndex.get(f.detector) ?? 0, reveal, artifacts)),
    columnKind: 'utf16CodeUnits',
  };
  if (artifacts.list.length > 0) run.artifacts = artifacts.list;
  if (report.repository?.uri) {
    run.versionControlProvenance = [
      {
        repositoryUri: absoluteRepositoryUri(report.repository.uri, report.root),
        ...(report.repository.revision ? { revisionId: report.repository.revision } : {}),
        ...(report.repository.branch ? { branch: report.repository.branch } : {}),
        // Ties result paths (relative to %SRCROOT%) to this repository (Multitool rule SARIF2007).
        mappedTo: { uriBaseId: '%SRCROOT%' },
      },
    ];
  }
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

export function formatSarif(report: ScanReport): string {
  // Never pass `reveal` here: the issue forbids keys in SARIF even with --no-redact.
  return `${JSON.stringify(buildSarif(report), null, 2)}\n`;
}
