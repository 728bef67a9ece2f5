/** `node:zlib` on first use, for inflating git objects and zip entries; see ./index.ts for why it is not imported. */
export const nodeZlib = () => process.getBuiltinModule('node:zlib');
