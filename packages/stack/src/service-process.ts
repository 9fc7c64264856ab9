import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";

/** A service running as its own Node process, with its output sent to the console or a log file. */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export type LogTarget = { kind: "console" } | { kind: "directory"; dir: string };

const LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** Turns a pino JSON line into something a person reads at a glance; other lines pass as they are. */
function humanize(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const { level, msg, time, pid, hostname, name, ...rest } = JSON.parse(line);
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
    return `${(LEVELS[level] ?? level).padEnd(5)} ${msg}${extra}`;
  } catch {
    return line;
  }
}

export function startServiceProcess(options: {
  name: string;
  entry: string;
  args?: string[];
  /** Flags for node itself (the router's V8 settings), before the entry. */
  nodeFlags?: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logs: LogTarget;
}): ServiceProcess {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), "--import", "tsx", options.entry, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (options.logs.kind === "directory") {
    mkdirSync(options.logs.dir, { recursive: true });
    const file = createWriteStream(path.join(options.logs.dir, `${options.name}.log`), { flags: "a" });
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  } else {
    const prefix = `[${options.name}]`.padEnd(12);
    for (const stream of [child.stdout!, child.stderr!]) {
      readline.createInterface({ input: stream }).on("line", (line) => console.log(`${prefix} ${humanize(line)}`));
    }
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name: options.name,
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls a health URL until it answers 200, the process dies, or time runs out. */
export async function waitUntilReady(url: string, service: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${service.name} exited with code ${exitCode} before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service.name} was not ready at ${url} within ${timeoutMs} ms`);
}
