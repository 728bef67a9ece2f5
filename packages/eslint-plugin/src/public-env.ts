/** Public environment variables: the engine's list and parsers, shared with the CLI (which reports them in git-ignored env files). */
export { PUBLIC_ENV_PREFIXES, fencedCodeOnly, publicEnvAssignments, publicShippoPrefix } from '@shippo-keyguard/core/public-env';
