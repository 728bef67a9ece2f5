/** `node:os` on first use, for lowering the priority of git processes that work beside a history stream; see ./index.ts for why it is not imported. */
export const nodeOs = () => process.getBuiltinModule('node:os');
