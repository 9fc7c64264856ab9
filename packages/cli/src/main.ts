/** `supergraph` entry point: the only file with side effects. */
import { run } from "./cli.ts";

const code = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
});
// Set, not exit(): the output is flushed before the process ends.
process.exitCode = code;
