export { run, type Io } from "./cli.ts";
export { ExitCode } from "./exit-codes.ts";
export { createRegistryClient, CliError } from "./client.ts";
