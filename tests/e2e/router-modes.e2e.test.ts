import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { graphql } from "../support/graphql.ts";

const routerUrl = inject("routerUrl");
const supergraphPath = inject("supergraphPath");
const signingEnv = inject("signingEnv");

describe("development router", () => {
  it("sends a browser opening /graphql to the offline explorer and allows introspection", async () => {
    const page = await fetch(routerUrl, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(new URL(page.url).pathname).toBe("/explorer");
    const html = await page.text();
    expect(html).toMatch(/<title>[^<]*explorer/i);
    // Nothing on the page is loaded from another host (Apollo's CDN, Google Fonts).
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
    const result = await graphql(
      routerUrl,
      `
        {
          __schema {
            queryType {
              name
            }
          }
        }
      `,
    );
    expect(result.data.__schema.queryType.name).toBe("Query");
  });

  it("reports health", async () => {
    const live = await fetch(routerUrl.replace("/graphql", "/health/live"));
    expect(live.status).toBe(200);
    const ready = await fetch(routerUrl.replace("/graphql", "/health/ready"));
    expect(await ready.json()).toMatchObject({ status: "ready" });
  });
});

describe("production router on the same supergraph", () => {
  let router: Router;
  let url: string;

  beforeAll(async () => {
    router = createRouter(
      loadRouterConfig({
        env: { NODE_ENV: "production", ADMIN_PORT: "0", LOG_LEVEL: "silent", ...signingEnv },
        flags: { supergraph: supergraphPath, port: "0" },
      }),
    );
    const running = await router.start();
    url = `${running.url}/graphql`;
  });
  afterAll(() => router?.stop());

  it("turns introspection off", async () => {
    const result = await graphql(
      url,
      `
        {
          __schema {
            types {
              name
            }
          }
        }
      `,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("does not serve a landing page", async () => {
    const page = await fetch(url, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toMatch(/sandbox/i);
  });

  it("still answers queries", async () => {
    const result = await graphql(
      url,
      `
        {
          product(sku: "SKU-00001") {
            id
            name
          }
        }
      `,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.product.id).toBe("prd_0001");
  });
});
