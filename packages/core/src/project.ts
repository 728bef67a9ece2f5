/**
 * The project's repository. Every link the tools print or embed is built from this one URL:
 * SARIF `informationUri` and each rule's `helpUri`, the ESLint rules' `meta.docs.url`, and the
 * CLI's `--help`. `test/docs/links.test.ts` checks that each link names a file and heading that
 * exist, and that the packages' `repository` and `homepage` fields agree with it.
 */
export const REPOSITORY_URL = 'https://github.com/shippo-keyguard/shippo-keyguard';

/** The branch whose documentation the links point at. */
const DOCS_BRANCH = 'main';

/** A link to a file of the repository (`docs/detectors.md`), optionally to one of its headings. */
export function repositoryFileUrl(path: string, anchor?: string): string {
  return `${REPOSITORY_URL}/blob/${DOCS_BRANCH}/${path}${anchor === undefined ? '' : `#${anchor}`}`;
}

/** Where a detector is documented: its heading in docs/detectors.md (the heading is the detector id). */
export function detectorDocsUrl(detectorId: string): string {
  return repositoryFileUrl('docs/detectors.md', detectorId);
}
