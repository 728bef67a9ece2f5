import type { Finding } from '../finding.js';
import { redactKeysIn } from '../git/redact-text.js';
import type { ScanReport } from './model.js';

/**
 * The report with every key redacted in the text that came from the scanned repository or file
 * tree rather than from the finding itself: paths (a file or a tag named after a key), ref and
 * branch names, the remote URL, commit subjects and authors, warning messages. Writers only ever
 * reveal a finding's own key, and only with `--no-redact`; a key in a name is never revealed.
 */
export function redactReport(report: ScanReport): ScanReport {
  const finding = (f: Finding): Finding => ({
    ...f,
    path: redactKeysIn(f.path),
    ...(f.introduced
      ? {
          introduced: {
            ...f.introduced,
            author: redactKeysIn(f.introduced.author),
            email: redactKeysIn(f.introduced.email),
            ...(f.introduced.summary !== undefined ? { summary: redactKeysIn(f.introduced.summary) } : {}),
          },
        }
      : {}),
    ...(f.suppression?.reason !== undefined ? { suppression: { ...f.suppression, reason: redactKeysIn(f.suppression.reason) } } : {}),
  });
  const repository = report.repository;
  return {
    ...report,
    root: redactKeysIn(report.root),
    findings: report.findings.map(finding),
    warnings: report.warnings.map((w) => ({ ...w, message: redactKeysIn(w.message), ...(w.path !== undefined ? { path: redactKeysIn(w.path) } : {}) })),
    ...(report.suppressed ? { suppressed: report.suppressed.map(finding) } : {}),
    ...(repository
      ? {
          repository: {
            ...(repository.uri !== undefined ? { uri: redactKeysIn(repository.uri) } : {}),
            ...(repository.revision !== undefined ? { revision: repository.revision } : {}),
            ...(repository.branch !== undefined ? { branch: redactKeysIn(repository.branch) } : {}),
            // `--repo-name`: what a merged report groups and names the repository by.
            ...(repository.name !== undefined ? { name: redactKeysIn(repository.name) } : {}),
          },
        }
      : {}),
  };
}
