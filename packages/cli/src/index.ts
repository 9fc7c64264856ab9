export { run, type Io } from "./cli.ts";
export { ExitCode } from "./exit-codes.ts";
export { CliError } from "./cli-error.ts";
