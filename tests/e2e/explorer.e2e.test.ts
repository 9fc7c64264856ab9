/**
 * The explorer in a real browser (Debian's chromium through playwright-core): it must work with
 * no network beyond the router, open on the store's examples, and run one across subgraphs.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_USERNAME, generateStore } from "@store/seed-data";
import { loadExampleOperations } from "@store/router/explorer-operations";
import { tokenHeader } from "../support/auth.ts";
import { graphql } from "../support/graphql.ts";
import { repoRoot } from "../support/test-stack.ts";
import { isLoopback, launchOfflineBrowser, type OfflineBrowser } from "../support/offline-browser.ts";

const routerUrl = inject("routerUrl");
const explorerUrl = routerUrl.replace(/\/graphql$/, "/explorer");
const examples = loadExampleOperations();
const productPage = examples.find((example) => example.id === "product-page")!;

/** The variables or headers editor, whichever tab is showing. */
const TOOL_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";

/** The text Monaco shows for an editor (it renders spaces as no-break spaces). */
const shownText = (page: Page, selector: string) =>
  page
    .locator(`${selector} .view-lines`)
    .first()
    .evaluate((el) => (el as HTMLElement).innerText.replace(/\u00a0/g, " "));

describe("the explorer in a browser", () => {
  let browser: OfflineBrowser;
  let context: BrowserContext;
  let blocked: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    browser = await launchOfflineBrowser("explorer");
    ({ context, blocked } = browser);
    context.on("request", (request) => requested.push(request.url()));
  }, 60_000);

  afterAll(() => browser?.close());

  it("runs the product page example across products, inventory and reviews and shows the data", async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));

    await page.goto(explorerUrl);
    const list = page.locator("[data-example]");
    await list.first().waitFor();
    expect(await list.evaluateAll((buttons) => buttons.map((b) => b.getAttribute("data-example")))).toEqual(examples.map((e) => e.id));
    expect(await page.locator('[data-example="product-page"]').innerText()).toMatch(/Product page[\s\S]*products · inventory · reviews/);

    await page.locator('[data-example="product-page"]').click();
    await page.waitForFunction(() => document.querySelector(".graphiql-query-editor .view-lines")?.textContent?.includes("ProductPage"));
    expect(await shownText(page, TOOL_EDITOR)).toContain(`"sku": "${JSON.parse(productPage.variables).sku}"`);

    await page.locator(".graphiql-execute-button").click();
    await page.waitForFunction(
      () => /"data"/.test(document.querySelector(".result-window .view-lines")?.textContent?.replace(/\u00a0/g, " ") ?? ""),
      undefined,
      { timeout: 30_000 },
    );
    const result = await shownText(page, ".result-window");

    const store = generateStore();
    const product = store.products.find((p) => p.sku === JSON.parse(productPage.variables).sku)!;
    const inStock = store.stockLevels.some((level) => level.productId === product.id && level.quantity > 0);
    const reviewCount = store.reviews.filter((review) => review.productId === product.id).length;
    expect(result).not.toContain('"errors"');
    expect(result).toContain(`"name": "${product.name}"`); // products
    expect(result).toContain(`"inStock": ${inStock}`); // inventory
    expect(result).toContain(`"reviewCount": ${reviewCount}`); // reviews

    // The headers editor offers the bearer token placeholder; "Use demo user" signs in through the
    // graph's login mutation (as the seeded demo customer, the development default) and puts a
    // real token there, one the router accepts.
    await page.getByRole("button", { name: "Headers", exact: true }).click();
    await page.waitForFunction(
      (selector) => document.querySelector(`${selector} .view-lines`)?.textContent?.includes("Authorization"),
      TOOL_EDITOR,
    );
    expect(await shownText(page, TOOL_EDITOR)).toContain('"Authorization": "Bearer <token>"');
    await page.locator(".store-demo-user").click();
    // Monaco shows spaces as no-break spaces.
    await page.waitForFunction(
      (selector) => /Bearer[\s\u00a0]ey/.test(document.querySelector(`${selector} .view-lines`)?.textContent ?? ""),
      TOOL_EDITOR,
    );
    const token = /Bearer (ey[\w.-]+)/.exec(await shownText(page, TOOL_EDITOR))![1]!;
    const me = await graphql(
      routerUrl,
      `
        {
          me {
            username
          }
        }
      `,
      {},
      { authorization: `Bearer ${token}` },
    );
    expect(me.data).toEqual({ me: { username: DEMO_USERNAME } });
    await page.getByRole("button", { name: "Variables", exact: true }).click();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

    mkdirSync(path.join(repoRoot, "test-results"), { recursive: true });
    await page.screenshot({ path: path.join(repoRoot, "test-results", "explorer.png") });

    expect(blocked).toEqual([]);
    expect(requested.filter((url) => !isLoopback(url))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});

/**
 * An example's variables as a user would run it: tracking numbers are random per stack, so the
 * parcel example's made-up one is replaced by a real one, read as its owner reads it.
 */
async function variablesOf(
  example: (typeof examples)[number],
  headers: Record<string, string>,
): Promise<Record<string, unknown> | undefined> {
  const variables = example.variables ? (JSON.parse(example.variables) as Record<string, unknown>) : undefined;
  if (variables && "trackingNumber" in variables) {
    const owned = await graphql(
      routerUrl,
      `
        {
          me {
            orders(first: 1) {
              edges {
                node {
                  shipment {
                    trackingNumber
                  }
                }
              }
            }
          }
        }
      `,
      undefined,
      headers,
    );
    variables.trackingNumber = owned.data.me.orders.edges[0].node.shipment.trackingNumber;
  }
  return variables;
}

// Queries only: the end-to-end files share one seeded stack whose data other files assert on, so
// the two writing examples (checkout, review) are checked against the schema in explorer-examples.test.ts.
// Signed in as staff: some examples read a user's orders or stock levels, which say so in their comments.
describe("every example query, as the explorer sends it", () => {
  for (const example of examples.filter((e) => e.kind === "query")) {
    it(`${example.title} answers with data and no errors`, async () => {
      const admin = await tokenHeader({ id: "usr_0001", roles: ["admin"] });
      const result = await graphql(routerUrl, example.query, await variablesOf(example, admin), admin);
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data ?? {}).every((value) => value !== null)).toBe(true);
    });
  }
});
