import { nodeCrypto } from '../builtins/crypto.js';
import type { Finding } from '../finding.js';
import type { MergedReport } from './merge.js';
import type { ScanReport } from './model.js';
import { resultMessage } from './sarif.js';

/** The version of GitLab's secret-detection report format these reports follow. */
export const GITLAB_SCHEMA_VERSION = '15.2.1';
const SCHEMA_URL = `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${GITLAB_SCHEMA_VERSION}/dist/secret-detection-report-format.json`;

type Severity = 'Info' | 'Unknown' | 'Low' | 'Medium' | 'High' | 'Critical';

/** Severity in GitLab's terms: a verified-live key is critical, a verified-dead one information. */
function severity(f: Finding): Severity {
  switch (f.verification?.status) {
    case 'live':
      return 'Critical';
    case 'dead':
      return 'Info';
    default:
      if (f.level === 'note') return 'Low';
      return f.kind === 'live' ? 'Critical' : 'Medium';
  }
}

/** GitLab's times: UTC to the second, no zone letter. */
function gitlabTime(iso: string): string {
  const d = new Date(iso);
  return (Number.isNaN(d.getTime()) ? new Date() : d).toISOString().slice(0, 19);
}

/** A stable id per key and place, shaped as a UUID: GitLab tracks a vulnerability across pipelines by it. */
function vulnerabilityId(f: Finding, repository: string | undefined): string {
  const h = nodeCrypto().createHash('sha256').update(`${repository ?? ''}\0${f.fingerprint}\0${f.path}\0${f.introduced?.commit ?? ''}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function vulnerability(f: Finding, repository?: string) {
  const status = f.verification?.status ?? 'unchecked';
  return {
    id: vulnerabilityId(f, repository),
    category: 'secret_detection',
    name: f.kind === 'live' ? 'Shippo live API key' : 'Shippo test API key',
    description: `${resultMessage(f, f.redacted)}${repository ? ` Repository: ${repository}.` : ''} Verification: ${status}.`,
    severity: severity(f),
    solution: 'Rotate the key in the Shippo dashboard (Settings > API), then remove it from the code and load it from a secret store or environment variable.',
    scanner: { id: 'shippo-keyguard', name: 'shippo-keyguard' },
    identifiers: [
      { type: 'shippo_keyguard_rule_id', name: `shippo-keyguard rule ${f.detector}`, value: f.detector },
      // The key's fingerprint (SHA-256): the same key in many places or projects shares it; never the key.
      { type: 'shippo_keyguard_key_fingerprint', name: `Key fingerprint ${f.fingerprint.slice(0, 12)}`, value: f.fingerprint },
    ],
    location: {
      file: f.path,
      start_line: f.startLine,
      end_line: f.endLine,
      ...(f.introduced
        ? { commit: { sha: f.introduced.commit, author: `${f.introduced.author} <${f.introduced.email}>`, date: f.introduced.date, ...(f.introduced.summary ? { message: f.introduced.summary } : {}) } }
        : { commit: { sha: '0000000' } }),
    },
  };
}

interface ScanTimes {
  readonly tool: ScanReport['tool'];
  readonly startedAt: string;
  readonly endedAt: string;
  readonly exitCode: number;
}

function envelope(times: ScanTimes, vulnerabilities: unknown[]): string {
  const component = { id: 'shippo-keyguard', name: 'shippo-keyguard', version: times.tool.version, vendor: { name: 'shippo-keyguard' } };
  const body = {
    version: GITLAB_SCHEMA_VERSION,
    schema: SCHEMA_URL,
    scan: {
      analyzer: component,
      scanner: { ...component, url: times.tool.informationUri },
      type: 'secret_detection',
      start_time: gitlabTime(times.startedAt),
      end_time: gitlabTime(times.endedAt),
      status: times.exitCode === 2 ? 'failure' : 'success',
    },
    vulnerabilities,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * GitLab's secret-detection report (`artifacts: reports: secret_detection:`), so findings show in
 * the merge request and the security dashboard. No `raw_source_code_extract`: that would be the key.
 */
export function formatGitlab(report: ScanReport): string {
  return envelope(report, report.findings.map((f) => vulnerability(f)));
}

/** The merged report in GitLab's format: one vulnerability per place, naming its repository. */
export function formatMergedGitlab(report: MergedReport, times: ScanTimes): string {
  return envelope(times, report.findings.map(({ repository, ...f }) => vulnerability(f, repository)));
}
