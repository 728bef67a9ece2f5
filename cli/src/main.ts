import { processIO } from './io.js';
import { run } from './run.js';

/** Entry for the bin shim: run, write the output, return the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const io = processIO();
  const result = await run(argv, io);
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.stdout) await new Promise<void>((done) => process.stdout.write(result.stdout, () => done()));
  return result.exitCode;
}
