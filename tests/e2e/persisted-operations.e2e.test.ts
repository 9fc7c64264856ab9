import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { readCounter } from "../support/graphql.ts";
import { repoRoot } from "../support/test-stack.ts";

/**
 * Persisted operations through real HTTP: APQ, and the explorer's demo manifest
 * (router/explorer/persisted-operations.json, made by `supergraph manifest`) in log and reject modes.
 */
const supergraphPath = inject("supergraphPath");
/** The stack's subgraphs only answer signed requests: every router here gets the signing secrets. */
const signingEnv = inject("signingEnv");
const manifestPath = path.join(repoRoot, "router", "explorer", "persisted-operations.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { operations: { id: string; name: string; body: string }[] };
const productPage = manifest.operations.find((op) => op.name === "ProductPage")!;
const dir = mkdtempSync(path.join(os.tmpdir(), "persisted-e2e-"));
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const FREE_FORM = `query FreeForm { product(sku: "SKU-00007") { name } }`;

async function startRouter(name: string, persistedOperations: Record<string, unknown>): Promise<{ router: Router; url: string }> {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, JSON.stringify({ persistedOperations }));
  const router = createRouter(
    loadRouterConfig({ env: { LOG_LEVEL: "silent", ...signingEnv }, flags: { supergraph: supergraphPath, port: "0", config: file } }),
  );
  const running = await router.start();
  return { router, url: `http://127.0.0.1:${running.port}/graphql` };
}

interface Answer {
  status: number;
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
  headers: Headers;
}

async function post(url: string, body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
}

async function get(url: string, params: Record<string, unknown>): Promise<Answer> {
  const search = new URLSearchParams(
    Object.entries(params).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  const response = await fetch(`${url}?${search}`, { headers: { "apollo-require-preflight": "true" } });
  return { status: response.status, headers: response.headers, ...((await response.json()) as object) };
}

const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
const code = (answer: Answer) => answer.errors?.[0]?.extensions?.code;
const fetches = (url: string) => readCounter(url, "subgraph_fetch_duration_seconds_count");

describe("automatic persisted queries (mode off)", () => {
  let router: Router;
  let url: string;
  beforeAll(async () => ({ router, url } = await startRouter("apq", {})));
  afterAll(() => router?.stop());

  it("asks for an unknown hash's document, registers it once sent, then runs it from the hash alone", async () => {
    const query = `query ApqProduct { product(sku: "SKU-00003") { name } }`;
    const hash = sha256(query);
    const unknown = await post(url, { extensions: persisted(hash) });
    expect(unknown.status).toBe(200);
    expect(code(unknown)).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(unknown.headers.get("cache-control")).toMatch(/no-cache/);

    const registered = await post(url, { query, extensions: persisted(hash) });
    expect(registered.status).toBe(200);
    const name = registered.data.product.name;
    expect(name).toBeTruthy();

    const reused = await post(url, { extensions: persisted(hash) });
    expect(reused).toMatchObject({ status: 200, data: { product: { name } } });
    expect((await get(url, { extensions: persisted(hash) })).data.product.name).toBe(name);
  });

  it("refuses a document sent with a hash that is not its own, and does not register it", async () => {
    const query = `query Hijack { product(sku: "SKU-00004") { name } }`;
    const wrong = sha256("something else");
    const refused = await post(url, { query, extensions: persisted(wrong) });
    expect(refused.status).toBe(400);
    expect(refused.errors![0]!.message).toMatch(/provided sha does not match query/);
    expect(code(await post(url, { extensions: persisted(wrong) }))).toBe("PERSISTED_QUERY_NOT_FOUND");
  });
});

describe("trusted documents in log mode", () => {
  let router: Router;
  let url: string;
  beforeAll(async () => ({ router, url } = await startRouter("log", { mode: "log", manifest: manifestPath })));
  afterAll(() => router?.stop());

  it("runs manifest operations by id and, counted as unknown, any other document", async () => {
    const byId = await post(url, { extensions: persisted(productPage.id), variables: { sku: "SKU-00042" } });
    expect(byId.status).toBe(200);
    expect(byId.data.product.name).toBeTruthy();
    const freeForm = await post(url, { query: FREE_FORM });
    expect(freeForm.status).toBe(200);
    expect(freeForm.data.product.name).toBeTruthy();
    expect(await readCounter(url, "persisted_operation_requests_total", { result: "manifest" })).toBe(1);
    expect(await readCounter(url, "persisted_operation_requests_total", { result: "unknown" })).toBe(1);
  });
});

describe("trusted documents in reject mode", () => {
  let router: Router;
  let url: string;
  beforeAll(async () => ({ router, url } = await startRouter("reject", { mode: "reject", manifest: manifestPath })));
  afterAll(() => router?.stop());

  it("runs manifest operations by id, over POST and GET", async () => {
    const byPost = await post(url, { extensions: persisted(productPage.id), variables: { sku: "SKU-00042" } });
    expect(byPost.status).toBe(200);
    expect(byPost.errors).toBeUndefined();
    expect(byPost.data.product.name).toBeTruthy();
    const byGet = await get(url, { extensions: persisted(productPage.id), variables: { sku: "SKU-00042" } });
    expect(byGet.data.product.name).toBe(byPost.data.product.name);
  });

  it("refuses a free-form document with 400 PERSISTED_QUERY_NOT_ALLOWED before any subgraph is called", async () => {
    const before = await fetches(url);
    const refused = await post(url, { query: FREE_FORM });
    expect(refused.status).toBe(400);
    expect(code(refused)).toBe("PERSISTED_QUERY_NOT_ALLOWED");
    expect(refused.data).toBeUndefined();
    expect(await fetches(url)).toBe(before);
  });

  it("answers an unknown id with PERSISTED_QUERY_NOT_FOUND, and APQ cannot register a document past the manifest", async () => {
    const hash = sha256(FREE_FORM);
    expect(code(await post(url, { extensions: persisted(hash) }))).toBe("PERSISTED_QUERY_NOT_FOUND");
    const registration = await post(url, { query: FREE_FORM, extensions: persisted(hash) });
    expect(registration.status).toBe(400);
    expect(code(registration)).toBe("PERSISTED_QUERY_NOT_ALLOWED");
    expect(code(await post(url, { extensions: persisted(hash) }))).toBe("PERSISTED_QUERY_NOT_FOUND");
  });

  it("runs a manifest document sent in full, also from an APQ client", async () => {
    const full = await post(url, { query: productPage.body, variables: { sku: "SKU-00042" } });
    expect(full.status).toBe(200);
    expect(full.data.product.name).toBeTruthy();
    const apqClient = await post(url, {
      query: productPage.body,
      variables: { sku: "SKU-00042" },
      extensions: persisted(sha256(productPage.body)),
    });
    expect(apqClient.status).toBe(200);
    expect(apqClient.data.product.name).toBe(full.data.product.name);
    expect(await readCounter(url, "persisted_operation_requests_total", { result: "rejected" })).toBe(2);
  });
});
