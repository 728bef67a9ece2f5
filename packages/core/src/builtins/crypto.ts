/** `node:crypto` on first use, for hashing (fingerprints of findings, loose objects, reports' ids); see ./index.ts for why it is not imported. */
export const nodeCrypto = () => process.getBuiltinModule('node:crypto');
