import { RuleCreator } from '@typescript-eslint/utils/eslint-utils';
import { repositoryFileUrl } from '@shippo-keyguard/core';

/** Extra `meta.docs` fields every rule of this plugin carries. */
export interface KeyguardRuleDocs {
  /** Enabled by `configs.recommended`. */
  readonly recommended: boolean;
}

/** typescript-eslint's rule factory: typed options, defaults merged in, docs URL from the rule name (beside the rule, in docs/rules). */
export const createRule = RuleCreator<KeyguardRuleDocs>((name) => repositoryFileUrl(`packages/eslint-plugin/docs/rules/${name}.md`));
