/**
 * The registry console in a real browser (Debian's chromium through playwright-core): two versions
 * published and a check run through the `supergraph` CLI as a team would, then the console read
 * with a viewer token, asserting what a person sees, with every request beyond this machine refused.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConsole } from "@store/registry/console-build";
import { TEST_TOKENS, startTestRegistry, type TestRegistry } from "@store/registry/testing";
import { launchOfflineBrowser, type OfflineBrowser } from "../support/offline-browser.ts";
import { repoRoot } from "../support/test-stack.ts";

const run = promisify(execFile);
const workDir = mkdtempSync(path.join(os.tmpdir(), "registry-console-e2e-"));
const screenshots = path.join(repoRoot, "test-results", "console");

let registry: TestRegistry;
let context: BrowserContext;
let page: Page;
let browser: OfflineBrowser | undefined;
let blocked: string[] = [];
const browserErrors: string[] = [];

/** `supergraph <args>` as a process, with the catalog team's token; resolves with its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      path.join(repoRoot, "node_modules", ".bin", "tsx"),
      [path.join(repoRoot, "packages", "cli", "src", "main.ts"), ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, SUPERGRAPH_REGISTRY_URL: registry.url, SUPERGRAPH_TOKEN: TEST_TOKENS.catalog },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const productsSdl = readFileSync(path.join(repoRoot, "subgraphs", "products", "schema.graphql"), "utf8");
const schemaFile = (name: string, sdl: string) => {
  const file = path.join(workDir, `${name}.graphql`);
  writeFileSync(file, sdl);
  return file;
};
/** Version 2 adds Product.tagline; version 3 removes it again (breaking, but no client used it). */
const withTagline = productsSdl.replace(/^(\s*)description: String!\n/m, "$1description: String!\n$1tagline: String\n");
const withoutDescription = productsSdl.replace(/^\s*description: String!\n/m, "\n");

beforeAll(async () => {
  expect(withTagline).not.toBe(productsSdl);
  expect(withoutDescription).not.toBe(productsSdl);
  // The registry serves the console's last build: rebuilt first (a fraction of a second), so the test sees the current pages.
  await buildConsole();
  registry = await startTestRegistry();

  // What routers saw over the last hours: the web shop's product page reads Product.description.
  const hoursAgo = (n: number) => new Date(Date.now() - n * 3_600_000).toISOString();
  const reports = [3, 2, 1].flatMap((n, i) => [
    {
      operationName: "ProductPage",
      clientName: "web-shop",
      identifiedBy: "token",
      clientVersion: "2.1.0",
      count: 10 + 5 * i,
      timestamp: hoursAgo(n),
      coordinates: ["Query.product", "Product.name", "Product.description"],
    },
    {
      operationName: "ProductList",
      clientName: "mobile-app",
      identifiedBy: "token",
      count: 4 + i,
      timestamp: hoursAgo(n),
      coordinates: ["Query.products", "Product.name"],
    },
  ]);
  const usage = await fetch(`${registry.url}/v1/usage`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKENS.router}`, "content-type": "application/json" },
    body: JSON.stringify({ reports }),
  });
  expect(usage.status).toBe(202);

  const v2 = await cli(["publish", "products", "--schema", schemaFile("v2", withTagline), "--author", "ana@catalog"]);
  expect(v2.code, v2.stderr).toBe(0);
  const v3 = await cli(["publish", "products", "--schema", schemaFile("v3", productsSdl), "--author", "ana@catalog"]);
  expect(v3.code, v3.stderr).toBe(0);
  const check = await cli(["check", "products", "--schema", schemaFile("check", withoutDescription)]);
  expect(check.code).toBe(1);

  browser = await launchOfflineBrowser("console", { width: 1400, height: 900 });
  context = browser.context;
  blocked = browser.blocked;
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") browserErrors.push(message.text());
  });
  page.on("pageerror", (error) => browserErrors.push(error.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await registry?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

const shot = async (name: string) => {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
};

describe("the registry console in a browser", () => {
  it("refuses a wrong token and signs in with a viewer token", async () => {
    await page.goto(`${registry.url}/console`);
    await page.getByLabel("Registry token").fill("not-a-real-token-at-all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("does not accept this token");
    browserErrors.length = 0; // the refused sign-in's 401 is logged by the browser, as it should be
    await page.getByLabel("Registry token").fill(TEST_TOKENS.viewer);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('[data-subgraph="products"]').waitFor();
  });

  it("lists each subgraph with its owner, routing URL, version and who published it", async () => {
    const products = await page.locator('[data-subgraph="products"]').innerText();
    expect(products).toContain("catalog");
    expect(products).toContain("v3");
    expect(products).toMatch(/catalog\s*\(ana@catalog\)/);
    expect(await page.locator('[data-subgraph="accounts"]').innerText()).toMatch(/identity[\s\S]*v1/);
    await shot("subgraphs");
  });

  it("shows the history with each version's diff, breaking changes marked", async () => {
    await page.locator('[data-subgraph="products"] a').click();
    await page.locator('[data-testid="diff-3"]').waitFor();
    await expect
      .poll(() => page.locator('[data-testid="diff-3"] [data-change="breaking"]').innerText())
      .toMatch(/field removed[\s\S]*Product\.tagline/i);
    // The heading fills in once the version's details load (the diff can come first).
    await expect.poll(() => page.locator('[data-testid="diff-3"]').innerText()).toContain("products v3");
    await page.getByRole("button", { name: "v2", exact: true }).click();
    await expect.poll(() => page.locator('[data-testid="diff-2"] [data-change="safe"]').innerText()).toMatch(/Product\.tagline/);
    expect(await page.locator('[data-testid="diff-2"] [data-change="breaking"]').count()).toBe(0);
    await page.getByRole("button", { name: "v3", exact: true }).click();
    await page.locator('[data-testid="diff-3"] [data-change="breaking"]').waitFor();
    await shot("history");
  });

  it("shows the check with the breaking change and the operations and clients it hits", async () => {
    await page.getByRole("link", { name: "Checks" }).click();
    const check = page.locator("[data-check]").first();
    await check.waitFor();
    expect(await check.locator("h3").innerText()).toMatch(/failed[\s\S]*products[\s\S]*checked by catalog/);
    const breaking = check.locator('[data-change="breaking"]', { hasText: "Product.description" });
    expect(await breaking.innerText()).toContain("blocks");
    const hits = await breaking.locator('[data-testid="affected-operations"] tbody tr').allInnerTexts();
    expect(hits).toEqual([expect.stringMatching(/ProductPage\s+web-shop\s+2\.1\.0\s+45/)]);
    await shot("checks");
  });

  it("draws requests per hour by client as an SVG chart and lists unused fields", async () => {
    await page.getByRole("link", { name: "Usage" }).click();
    const chart = page.locator('[data-testid="usage-chart"]');
    await chart.waitFor();
    expect(await chart.locator("[data-client]").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-client")))).toEqual([
      "mobile-app",
      "web-shop",
    ]);
    expect(await chart.locator('[data-client="web-shop"] circle').count()).toBe(3);
    expect(await chart.locator('[data-client="web-shop"] path').getAttribute("d")).toMatch(/^M[\d.,]+L/);
    expect(await page.locator('[data-testid="top-operations"] tbody tr').first().innerText()).toMatch(/ProductPage\s+web-shop\s+45/);
    expect(await page.locator('[data-testid="unused-fields"]').innerText()).toContain("Product.price");
    await page.locator('[data-testid="usage-client"]').selectOption("mobile-app");
    await expect.poll(() => chart.locator("[data-client]").count()).toBe(1);
    await page.locator('[data-testid="usage-client"]').selectOption("");
    await expect.poll(() => chart.locator("[data-client]").count()).toBe(2);
    // The last day: still the same three hours of traffic, drawn wider.
    await Promise.all([
      page.waitForResponse((response) => response.url().includes("windowHours=24")),
      page.locator('[data-testid="usage-window"]').selectOption("24"),
    ]);
    await expect.poll(() => chart.locator('[data-client="web-shop"] circle').count()).toBe(3);
    await shot("usage");
  });

  it("lists fields with access rules and their owners, and finds fields by name with owner and usage", async () => {
    await page.getByRole("link", { name: "Policy" }).click();
    const order = page.locator('[data-testid="policy"] [data-coordinate="Query.order"]');
    await order.waitFor();
    expect(await order.innerText()).toMatch(/@authenticated[\s\S]*@requiresScopes orders:read \| admin[\s\S]*orders[\s\S]*checkout/);

    await page.getByRole("link", { name: "Search" }).click();
    await page.locator('[data-testid="search-input"]').fill("product.desc");
    const row = page.locator('[data-testid="search"] [data-coordinate="Product.description"]');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/String!\s+products\s+catalog\s+45/);
  });

  it("loaded nothing from another host and broke no content security rule", async () => {
    expect(blocked).toEqual([]);
    expect(browserErrors).toEqual([]);
  });
});
