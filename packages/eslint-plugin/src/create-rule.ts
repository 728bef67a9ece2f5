import { RuleCreator } from '@typescript-eslint/utils/eslint-utils';

/** Extra `meta.docs` fields every rule of this plugin carries. */
export interface KeyguardRuleDocs {
  /** Enabled by `configs.recommended`. */
  readonly recommended: boolean;
}

const DOCS_BASE = 'https://github.com/shippo-keyguard/shippo-keyguard/blob/main/packages/eslint-plugin/docs/rules';

/** typescript-eslint's rule factory: typed options, defaults merged in, docs URL from the rule name. */
export const createRule = RuleCreator<KeyguardRuleDocs>((name) => `${DOCS_BASE}/${name}.md`);
