/** `node:net` on first use, for the socket that carries a history read's output; see ./index.ts for why it is not imported. */
export const nodeNet = () => process.getBuiltinModule('node:net');
