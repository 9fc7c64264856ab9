import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { chromiumPath } from "./prerequisites.ts";

/** Whether a URL stays on this machine (data: and blob: included). */
export const isLoopback = (url: string) => {
  const { protocol, hostname } = new URL(url);
  return protocol === "data:" || protocol === "blob:" || ["localhost", "127.0.0.1", "[::1]"].includes(hostname);
};

export interface OfflineBrowser {
  context: BrowserContext;
  /** Every URL beyond this machine that a page asked for (each was refused). */
  blocked: string[];
  close(): Promise<void>;
}

/**
 * Debian's headless Chromium in a fresh profile, offline: anything headed beyond this machine is
 * recorded and refused, so a test can assert that a page needs no other host.
 */
export async function launchOfflineBrowser(name: string, viewport = { width: 1600, height: 1000 }): Promise<OfflineBrowser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new Error(`No browser at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), `${name}-chromium-`));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  const blocked: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  return {
    context,
    blocked,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
