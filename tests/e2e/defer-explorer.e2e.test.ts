import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchOfflineBrowser, type OfflineBrowser } from "../support/offline-browser.ts";

/**
 * The explorer's "Product page with @defer" example in Chromium: GraphiQL asks for
 * multipart/mixed;deferSpec=20220824, the router streams the parts, and the result pane ends up
 * showing the initial fields and every deferred one.
 */
const routerUrl = inject("routerUrl");
const explorerUrl = routerUrl.replace(/\/graphql$/, "/explorer");

describe("the explorer renders @defer parts", () => {
  let browser: OfflineBrowser;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchOfflineBrowser("defer");
    context = browser.context;
  }, 60_000);

  afterAll(() => browser?.close());

  it("streams the deferred product page and shows its parts", async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const answers: Array<{ accept: string | undefined; contentType: string | undefined }> = [];
    page.on("response", (response) => {
      if (response.url() === routerUrl && response.request().method() === "POST")
        answers.push({ accept: response.request().headers().accept, contentType: response.headers()["content-type"] });
    });
    // Monaco renders only the lines in view, and the parts' order decides where reviewCount lands:
    // a tall window keeps the whole result on screen whichever part comes first.
    await page.setViewportSize({ width: 1280, height: 3000 });
    await page.goto(explorerUrl);
    // A first visit opens on the first example: once it is in the editor, open the deferred one.
    await page.waitForFunction(() => document.querySelector(".graphiql-query-editor .view-lines")?.textContent?.includes("ProductPage"));
    await page.locator('[data-example="product-page-deferred"]').click();
    await page.waitForFunction(() =>
      document.querySelector(".graphiql-query-editor .view-lines")?.textContent?.includes("ProductPageDeferred"),
    );
    await page.locator(".graphiql-execute-button").click();
    await page.waitForFunction(
      () => /"reviewCount"/.test(document.querySelector(".result-window .view-lines")?.textContent?.replace(/\u00a0/g, " ") ?? ""),
      undefined,
      { timeout: 30_000 },
    );
    const result = await page
      .locator(".result-window .view-lines")
      .first()
      .evaluate((el) => (el as HTMLElement).innerText.replace(/\u00a0/g, " "));
    expect(result).not.toContain('"errors"');
    // Monaco renders the lines in view only: the first fields, and reviewCount from the "reviews" part.
    for (const field of ['"name"', '"reviewCount"']) expect(result).toContain(field);
    const deferred = answers.find((answer) => answer.contentType?.startsWith("multipart/mixed"));
    expect(deferred?.accept).toContain("deferSpec=20220824");
    expect(deferred?.contentType).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
  });
});
