import type { Steps } from '../finish.js';
import { suppressStep } from './suppress.js';
import { verifyStep } from './verify.js';

/** The pipeline's steps as the CLI binds them (filter before verify, so allowed keys are never sent). */
export const STEPS: Steps = { filter: suppressStep, verify: verifyStep };
