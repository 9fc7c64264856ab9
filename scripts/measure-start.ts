/**
 * `npm run measure:start`: runs `npm start` twice on fresh embedded databases in a temporary folder
 * (first start, then restart), and prints the time to ready and the memory (RSS and PSS summed over the
 * whole process tree) after the stack has answered one query across four subgraphs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@store/stack";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SUBGRAPHS = ["accounts", "products", "inventory", "reviews", "orders"];
const QUERY = '{ users(first: 1) { totalCount } product(id: "prd_0001") { name inStock averageRating reviewCount } }';

interface Sample {
  run: string;
  readySeconds: number;
  rssMiB: number;
  pssMiB: number;
  processes: { pid: number; command: string; rssMiB: number }[];
}

/** Every descendant of `root` (and root itself), from /proc. */
function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** A /proc/<pid>/smaps_rollup or status field, in MiB. */
function memoryField(pid: number, file: string, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/${file}`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).slice(0, 4).join(" ").slice(0, 110);
  } catch {
    return "?";
  }
}

async function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms; output:\n${seen.slice(-3000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${seen.slice(-3000)}`)));
  });
}

async function measure(run: string, dataDir: string): Promise<Sample> {
  const routerPort = await freePort();
  const databaseEnv = Object.fromEntries(
    SUBGRAPHS.map((name) => [`${name.toUpperCase()}_DATABASE_URL`, `file:${path.join(dataDir, name)}`]),
  );
  const started = Date.now();
  // Its own process group, so the Ctrl-C at the end reaches every process as a terminal's would.
  const child = spawn("npm", ["start"], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...databaseEnv, PORT: String(routerPort), STACK_PORTS: "random" },
  });
  // From the start: a child that exits before it is ready must not leave the cleanup below waiting.
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await waitForOutput(child, /Supergraph ready in/, 300_000);
    const readySeconds = (Date.now() - started) / 1000;
    const response = await fetch(`http://127.0.0.1:${routerPort}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
    if (!body.data || body.errors) throw new Error(`the query failed: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const pids = processTree(child.pid!);
    const processes = pids.map((pid) => ({ pid, command: commandOf(pid), rssMiB: memoryField(pid, "status", "VmRSS") }));
    const rssMiB = processes.reduce((sum, p) => sum + p.rssMiB, 0);
    const pssMiB = pids.reduce((sum, pid) => sum + memoryField(pid, "smaps_rollup", "Pss"), 0);
    return { run, readySeconds, rssMiB, pssMiB, processes };
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, "SIGINT");
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "measure-start-"));
try {
  const samples = [await measure("first start", dataDir), await measure("restart", dataDir)];
  for (const sample of samples) {
    console.log(
      `\n${sample.run}: ready in ${sample.readySeconds.toFixed(1)} s, RSS ${sample.rssMiB.toFixed(0)} MiB, PSS ${sample.pssMiB.toFixed(0)} MiB`,
    );
    for (const p of sample.processes) console.log(`  ${p.rssMiB.toFixed(0).padStart(5)} MiB  ${p.command}`);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
