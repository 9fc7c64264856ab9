import { readFile, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SupergraphConfigError, composeFromSources, readSupergraphConfig } from "@store/composition";
import { RegistryApiError, createRegistryClient, type CheckReport } from "@store/registry-api";
import { CliError, cliErrorOf } from "./cli-error.ts";
import { ExitCode } from "./exit-codes.ts";
import { formatCheck, formatCompositionMessage, formatDiff, formatList } from "./format.ts";
import { apiSchemaOf, buildManifest, formatProblem } from "./manifest.ts";

/**
 * `supergraph <command>`: check, publish, compose, list, diff. Returns the exit code instead of
 * exiting, so tests run it in-process with captured output.
 */

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

const DEFAULT_REGISTRY = "http://127.0.0.1:4010";

const USAGE = `Usage: supergraph <command> [options]

Commands:
  check <subgraph> --schema <file>     compose with the registry's graph and report breaking changes
                                       judged against the operations clients sent recently
  publish <subgraph> --schema <file>   check, then record the new version and supergraph
  approve <subgraph> --schema <file>   with your team's token: approve that exact schema, when it
                                       takes fields from your team's subgraphs or (as a security
                                       team) loosens authorization or exposes more
  compose [--config supergraph.yaml]   compose locally (no registry); --out <file> or stdout
  list                                 the subgraphs, their owners and current versions
  diff [<from>] [<to>]                 API changes between two supergraph versions
                                       (default: the latest and the one before)
  manifest <dir> [-o manifest.json]    the trusted-documents manifest (Apollo persisted query
                                       manifest JSON, sha256 ids) of the .graphql operation files
                                       under <dir>; --supergraph <file> validates them against it

Options:
  --registry <url>     registry URL (env SUPERGRAPH_REGISTRY_URL, default ${DEFAULT_REGISTRY})
  --token <token>      team token (env SUPERGRAPH_TOKEN)
  --json               print one JSON document on stdout instead of text
  --routing-url <url>  check/publish: where the router reaches the subgraph (needed for a new one)
  --strict             check: every schema-breaking change fails, used or not
  --window-hours <n>   check: hours of usage to judge against (default: the registry's)
  --author <text>      publish: who is publishing, recorded with the version (default: $USER)
  --force              publish: go past breaking changes to operations in use (not past
                       missing approvals); needs --reason
  --reason <text>      publish --force: why, recorded in the history with team and time
  --comment <text>     approve: a note kept with the approval
  --timeout <seconds>  how long to wait for the registry (default 30)

Exit codes: 0 ok, 1 check failed (composition, breaking, or approvals missing), 2 usage or config error,
3 registry unreachable or busy.`;

const common = {
  registry: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean", default: false },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

const commands = {
  check: {
    ...common,
    schema: { type: "string" },
    "routing-url": { type: "string" },
    strict: { type: "boolean", default: false },
    "window-hours": { type: "string" },
  },
  publish: {
    ...common,
    schema: { type: "string" },
    "routing-url": { type: "string" },
    author: { type: "string" },
    force: { type: "boolean", default: false },
    reason: { type: "string" },
  },
  approve: { ...common, schema: { type: "string" }, "routing-url": { type: "string" }, comment: { type: "string" } },
  compose: { json: common.json, help: common.help, config: { type: "string", default: "supergraph.yaml" }, out: { type: "string" } },
  list: common,
  diff: { ...common, from: { type: "string" }, to: { type: "string" } },
  manifest: { json: common.json, help: common.help, out: { type: "string", short: "o" }, supergraph: { type: "string" } },
} as const satisfies Record<string, ParseArgsConfig["options"]>;

type Command = keyof typeof commands;

function usageError(message: string): CliError {
  return new CliError(ExitCode.USAGE, "USAGE", `${message}\nRun \`supergraph --help\` for usage.`);
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw usageError(`${flag} must be a positive integer, not "${value}".`);
  return Number(value);
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  let json = rest.includes("--json");
  const emit = (value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  const say = (text: string) => io.stdout(`${text}\n`);
  try {
    if (!command || command === "--help" || command === "-h" || command === "help") {
      say(USAGE);
      return command ? ExitCode.OK : ExitCode.USAGE;
    }
    if (!(command in commands)) throw usageError(`Unknown command "${command}".`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: commands[command as Command], allowPositionals: true, strict: true });
    } catch (error) {
      throw usageError((error as Error).message);
    }
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const positionals = parsed.positionals;
    json = values.json === true;
    if (values.help) {
      say(USAGE);
      return ExitCode.OK;
    }
    switch (command as Command) {
      case "compose":
        return await compose(values, positionals, io, { json, emit, say });
      case "manifest":
        return await manifest(values, positionals, io, { json, emit, say });
      default:
        return await remote(command as Exclude<Command, "compose" | "manifest">, values, positionals, io, { json, emit, say });
    }
  } catch (thrown) {
    const error = thrown instanceof RegistryApiError ? cliErrorOf(thrown) : thrown;
    if (!(error instanceof CliError)) throw error;
    if (json) emit(error.body ?? { error: { code: error.code, message: error.message } });
    // A rejected publish carries its check report: show it as a check would.
    const report = (error.body as { check?: CheckReport } | undefined)?.check;
    if (!json && report) say(formatCheck(report, "publish"));
    io.stderr(`${error.code === "USAGE" ? "" : `${error.code}: `}${error.message}\n`);
    return error.exitCode;
  }
}

interface Output {
  json: boolean;
  emit(value: unknown): void;
  say(text: string): void;
}

async function compose(values: Record<string, string | boolean | undefined>, positionals: string[], io: Io, out: Output): Promise<number> {
  if (positionals.length) throw usageError(`compose takes no arguments (got "${positionals.join(" ")}").`);
  const configPath = path.resolve(io.cwd, values.config as string);
  let config;
  try {
    config = await readSupergraphConfig(configPath);
  } catch (error) {
    if (error instanceof SupergraphConfigError) throw new CliError(ExitCode.USAGE, "CONFIG_INVALID", error.message);
    throw error;
  }
  const result = await composeFromSources(config.subgraphs);
  const outFile = values.out ? path.resolve(io.cwd, values.out as string) : undefined;
  if (result.ok && outFile) await writeFile(outFile, result.supergraphSdl);
  if (out.json) {
    out.emit({
      ok: result.ok,
      subgraphs: config.subgraphs.map((s) => s.name),
      errors: result.ok ? [] : result.errors,
      hints: result.hints,
      ...(result.ok && (outFile ? { out: outFile } : { supergraphSdl: result.supergraphSdl })),
    });
  } else if (!result.ok) {
    io.stderr(
      `${result.errors.map(formatCompositionMessage).join("\n")}\n\n✗ Composition failed with ${result.errors.length} error(s)${outFile ? `; ${values.out} was not written` : ""}.\n`,
    );
  } else {
    if (outFile)
      say(`✓ Composed ${config.subgraphs.length} subgraphs (${config.subgraphs.map((s) => s.name).join(", ")}) into ${values.out}.`);
    else io.stdout(result.supergraphSdl.endsWith("\n") ? result.supergraphSdl : `${result.supergraphSdl}\n`);
  }
  return result.ok ? ExitCode.OK : ExitCode.CHECK_FAILED;

  function say(text: string) {
    // With the SDL on stdout, messages go to stderr so the SDL can be piped.
    if (outFile) out.say(text);
    else io.stderr(`${text}\n`);
  }
}

async function manifest(values: Record<string, string | boolean | undefined>, positionals: string[], io: Io, out: Output): Promise<number> {
  if (positionals.length !== 1)
    throw usageError("manifest takes one folder: supergraph manifest <dir> [-o manifest.json] [--supergraph supergraph.graphql].");
  const dir = path.resolve(io.cwd, positionals[0]!);
  let schema;
  if (values.supergraph) {
    const sdl = await readFile(path.resolve(io.cwd, values.supergraph as string), "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new CliError(ExitCode.USAGE, "SUPERGRAPH_FILE_UNREADABLE", `Cannot read ${values.supergraph}: ${error.code ?? error.message}.`);
    });
    try {
      schema = apiSchemaOf(sdl);
    } catch (error) {
      throw new CliError(ExitCode.USAGE, "SUPERGRAPH_INVALID", `${values.supergraph} is not a supergraph: ${(error as Error).message}`);
    }
  }
  const result = await buildManifest(dir, { schema }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR")
      throw new CliError(ExitCode.USAGE, "FOLDER_UNREADABLE", `Cannot read the folder ${positionals[0]}: ${error.code}.`);
    throw error;
  });
  const ok = result.problems.length === 0;
  const outFile = values.out ? path.resolve(io.cwd, values.out as string) : undefined;
  if (ok && outFile) await writeFile(outFile, `${JSON.stringify(result.manifest, null, 2)}\n`);
  if (out.json) {
    out.emit({
      ok,
      files: result.files,
      operations: result.manifest.operations.length,
      problems: result.problems,
      ...(ok && (outFile ? { out: outFile } : { manifest: result.manifest })),
    });
  } else if (!ok) {
    io.stderr(
      `${result.problems.map(formatProblem).join("\n")}\n\n✗ ${result.problems.length} problem(s) in ${positionals[0]}${outFile ? `; ${values.out} was not written` : ""}.\n`,
    );
  } else if (outFile) {
    out.say(
      `✓ ${result.manifest.operations.length} operation(s) from ${result.files} file(s)${schema ? `, valid against ${values.supergraph}` : ""}, written to ${values.out}.`,
    );
  } else {
    io.stdout(`${JSON.stringify(result.manifest, null, 2)}\n`);
  }
  return ok ? ExitCode.OK : ExitCode.CHECK_FAILED;
}

async function remote(
  command: Exclude<Command, "compose" | "manifest">,
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
  io: Io,
  out: Output,
): Promise<number> {
  const registryUrl = (values.registry as string | undefined) ?? io.env.SUPERGRAPH_REGISTRY_URL ?? DEFAULT_REGISTRY;
  if (!/^https?:\/\/[^/]/.test(registryUrl)) throw usageError(`--registry must be an http(s) URL, not "${registryUrl}".`);
  const token = (values.token as string | undefined) ?? io.env.SUPERGRAPH_TOKEN;
  if (!token) throw usageError("No registry token: pass --token or set SUPERGRAPH_TOKEN.");
  const timeoutSeconds = positiveInt(values.timeout as string | undefined, "--timeout") ?? 30;
  const client = createRegistryClient({ url: registryUrl, token, timeoutMs: timeoutSeconds * 1000 });

  if (command === "list") {
    if (positionals.length) throw usageError("list takes no arguments.");
    const [{ body: list }, { body: versions }] = await Promise.all([
      client.subgraphs(),
      client.supergraphVersions({ query: { limit: 1 } }),
    ]);
    if (out.json) out.emit({ subgraphs: list.subgraphs, supergraph: versions.versions[0] ?? null });
    else out.say(formatList(list.subgraphs, versions.versions[0]));
    return ExitCode.OK;
  }

  if (command === "diff") {
    if (positionals.length > 2) throw usageError("diff takes at most two versions: diff <from> <to>.");
    const from = positiveInt((values.from as string | undefined) ?? positionals[0], "from");
    const to = positiveInt((values.to as string | undefined) ?? positionals[1], "to");
    const { body } = await client.diff({ query: { from, to } });
    if (out.json) out.emit(body.diff);
    else out.say(formatDiff(body.diff));
    return ExitCode.OK;
  }

  // check, publish and approve
  const [subgraph, ...extra] = positionals;
  if (!subgraph || extra.length) throw usageError(`${command} takes one subgraph name: supergraph ${command} <subgraph> --schema <file>.`);
  if (!values.schema) throw usageError(`${command} needs --schema <file>.`);
  const schemaPath = path.resolve(io.cwd, values.schema as string);
  const sdl = await readFile(schemaPath, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new CliError(ExitCode.USAGE, "SCHEMA_FILE_UNREADABLE", `Cannot read ${values.schema}: ${error.code ?? error.message}.`);
  });
  const routingUrl = values["routing-url"] as string | undefined;

  if (command === "check") {
    const { body } = await client.check({
      params: { name: subgraph },
      body: {
        sdl,
        ...(routingUrl && { routingUrl }),
        ...(values.strict === true && { strict: true }),
        ...(values["window-hours"] !== undefined && { usageWindowHours: positiveInt(values["window-hours"] as string, "--window-hours") }),
      },
    });
    if (out.json) out.emit(body.check);
    else out.say(formatCheck(body.check, "check"));
    return body.check.ok ? ExitCode.OK : ExitCode.CHECK_FAILED;
  }

  if (command === "approve") {
    const comment = values.comment as string | undefined;
    const { body } = await client.approve({
      params: { name: subgraph },
      body: { sdl, ...(routingUrl && { routingUrl }), ...(comment && { comment }) },
    });
    if (out.json) out.emit(body);
    else {
      out.say(formatCheck(body.check, "check"));
      out.say(
        `\n✓ Team ${body.approval.team} approved this schema of "${subgraph}" as ${body.approval.roles.join(" and ")} (sha256 ${body.approval.sdlHash.slice(0, 12)}).`,
      );
    }
    return ExitCode.OK;
  }

  const force = values.force === true;
  const reason = values.reason as string | undefined;
  if (force && !reason) throw usageError("--force needs --reason <text>: why the breaking change must ship (recorded in the history).");
  if (reason && !force) throw usageError("--reason is recorded only with --force.");
  const author = (values.author as string | undefined) ?? io.env.SUPERGRAPH_AUTHOR ?? safeUserName();
  const { body } = await client.publish({
    params: { name: subgraph },
    body: { sdl, ...(routingUrl && { routingUrl }), ...(author && { author }), ...(force && { force, reason }) },
  });
  if (out.json) out.emit(body);
  else if (body.status === "unchanged") {
    out.say(
      `= subgraph "${subgraph}" is unchanged (version ${body.subgraphVersion}, supergraph version ${body.supergraphVersion}); nothing was published.`,
    );
  } else {
    out.say(formatCheck(body.check, "publish"));
    if (body.forced)
      out.say(
        `\n! Forced past ${plural(body.forced.changes.length, "breaking change")} (${body.forced.changes.join(", ")}): "${body.forced.reason}" is recorded in the history.`,
      );
    out.say(`\n✓ Published subgraph "${subgraph}" version ${body.subgraphVersion}: supergraph version ${body.supergraphVersion}.`);
  }
  return ExitCode.OK;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
