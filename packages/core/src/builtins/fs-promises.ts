/** `node:fs/promises` on first use, for the history readers' temporary directories; see ./index.ts for why it is not imported. */
export const nodeFsPromises = () => process.getBuiltinModule('node:fs/promises');
