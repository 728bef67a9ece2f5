/**
 * Configuration: `.shippo-keyguard.json` / `.yaml`, shared by the CLI and the ESLint plugin.
 * Reads files, so it lives behind the `@shippo-keyguard/core/config` entry.
 */
export { configSchema, DETECTOR_IDS, SCHEMA_ID, type KeyguardConfig } from './schema.js';
export {
  CONFIG_FILE_NAMES,
  ConfigError,
  checkConfig,
  clearConfigCache,
  findConfigFile,
  loadConfig,
  loadConfigFresh,
  loadConfigSync,
  readConfigFile,
  redactKeys,
  type ConfigProblem,
  type LoadConfigOptions,
  type LoadedConfig,
} from './load.js';
export { applyConfig, configFilter, fileTriage, ignoreMatcher, ignoreUnder, type ConfigOutcome, type FileTriage } from './apply.js';
export { globProblem } from './glob.js';
