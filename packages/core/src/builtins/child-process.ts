/** `node:child_process` on first use, for starting git (a scan of given files starts none); see ./index.ts for why it is not imported. */
export const nodeChildProcess = () => process.getBuiltinModule('node:child_process');
