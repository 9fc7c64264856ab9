/**
 * What the end-to-end suite needs outside npm: a Redis that answers (started as a throwaway
 * `redis-server` on a free port when none does and the binary exists) and a Chromium. A missing one
 * fails the run first, with one line naming it and how to get it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import { freePort } from "@store/stack";

/** An error that vitest prints as its one line: no stack, since the cause is the machine, not the code. */
export class MissingPrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MissingPrerequisite";
    this.stack = `${this.name}: ${message}`;
  }
}

/** True when a Redis answers PING at `url` within `timeoutMs`. */
export function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ""), port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

const commandExists = (command: string) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;

export interface RedisForTests {
  url: string;
  /** Stops the throwaway server, if this run started one. */
  stop(): Promise<void>;
}

/**
 * The Redis the rate-limit tests share budgets through: `E2E_REDIS_URL` or redis://127.0.0.1:6379
 * when it answers, else a throwaway `redis-server` (no persistence) on a free port.
 */
export async function redisForTests(preferred = process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379"): Promise<RedisForTests> {
  if (await redisAnswers(preferred)) return { url: preferred, stop: async () => {} };
  if (!commandExists("redis-server"))
    throw new MissingPrerequisiteError(
      `npm test needs Redis: nothing answers at ${preferred} and redis-server is not installed (apt-get install redis-server, or set E2E_REDIS_URL).`,
    );
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    if (await redisAnswers(url, 200)) {
      return {
        url,
        stop: async () => {
          child.kill("SIGTERM");
          await exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new MissingPrerequisiteError(`npm test needs Redis: redis-server did not answer on port ${port} within 10 s.`);
}

/** Where the explorer's browser test finds Chromium: CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export const chromiumPath = () => process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Fails with one line when the browser the explorer test drives is missing. */
export function requireChromium(): void {
  const browser = chromiumPath();
  if (!existsSync(browser))
    throw new MissingPrerequisiteError(
      `npm test needs Chromium: no browser at ${browser} (apt-get install chromium, or set CHROMIUM_PATH).`,
    );
}
