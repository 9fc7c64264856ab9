import { readFileSync } from "node:fs";
import path from "node:path";

/** The node flags the router runs with (router/node-flags.json says why), for whoever starts it. */
export function routerNodeFlags(repoRoot: string): string[] {
  const { flags } = JSON.parse(readFileSync(path.join(repoRoot, "router", "node-flags.json"), "utf8")) as { flags: string[] };
  return flags;
}
