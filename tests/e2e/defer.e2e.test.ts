import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Defer20220824Handler } from "@apollo/client/incremental";
import { Kind, parse, print, visit, type FieldNode, type SelectionSetNode } from "graphql";
import { describe, expect, inject, it } from "vitest";
import { loadExampleOperations } from "@store/router/explorer-operations";
import { readCounter } from "../support/graphql.ts";

/**
 * @defer through the whole stack: Apollo Client 4 (its deferSpec=20220824 handler over multipart)
 * gets the initial data and then the deferred fields; a raw multipart read checks boundaries,
 * hasNext, paths and the order of parts; merged, every explorer example query with one fragment
 * deferred equals the same query undeferred; authorization and limits see deferred selections.
 */
const routerUrl = inject("routerUrl");
const MULTIPART = "multipart/mixed;deferSpec=20220824,application/json";

const PRODUCT_PAGE_DEFERRED = `query ProductPageDeferred($sku: String!) {
  product(sku: $sku) {
    name
    price { formatted }
    ... @defer(label: "shipping") { shippingEstimate { formatted } }
    ... @defer(label: "reviews") { averageRating reviews(first: 3) { edges { node { rating title author { username } } } } }
  }
}`;
const PRODUCT_PAGE = `query ProductPage($sku: String!) {
  product(sku: $sku) {
    name
    price { formatted }
    shippingEstimate { formatted }
    averageRating reviews(first: 3) { edges { node { rating title author { username } } } }
  }
}`;
const SKU = { sku: "SKU-00042" };

interface Payload {
  data?: any;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }>;
  hasNext?: boolean;
  incremental?: Array<{ data: any; path: (string | number)[]; label?: string; errors?: Payload["errors"] }>;
}

async function post(
  query: string | undefined,
  variables: Record<string, unknown> | undefined,
  accept: string,
  headers: Record<string, string> = {},
) {
  return fetch(routerUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept, ...headers },
    body: JSON.stringify({ query, variables }),
  });
}

/** Reads a multipart/mixed;deferSpec=20220824 body as it arrives: every part parsed, boundaries and closing delimiter checked. */
async function readParts(response: Response): Promise<{ payloads: Payload[]; arrivals: number[] }> {
  expect(response.headers.get("content-type")).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
  const decoder = new TextDecoder();
  const started = performance.now();
  const arrivals: number[] = [];
  let text = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    arrivals.push(performance.now() - started);
  }
  expect(text.startsWith("\r\n---\r\n")).toBe(true);
  expect(text.endsWith("\r\n-----\r\n")).toBe(true);
  const parts = text.slice("\r\n---\r\n".length, -"\r\n-----\r\n".length).split("\r\n---\r\n");
  const payloads = parts.map((part) => {
    const [head, json] = part.split("\r\n\r\n");
    expect(head!.toLowerCase()).toBe("content-type: application/json; charset=utf-8");
    return JSON.parse(json!) as Payload;
  });
  return { payloads, arrivals };
}

function mergeParts(payloads: Payload[]): { data: any; errors: NonNullable<Payload["errors"]> } {
  const data = structuredClone(payloads[0]!.data);
  const errors = [...(payloads[0]!.errors ?? [])];
  const merge = (target: any, source: any) => {
    for (const [key, value] of Object.entries(source)) {
      if (value && typeof value === "object" && target[key] && typeof target[key] === "object") merge(target[key], value);
      else target[key] = value;
    }
  };
  for (const payload of payloads.slice(1))
    for (const item of payload.incremental ?? []) {
      errors.push(...(item.errors ?? []));
      const at = item.path.reduce((node: any, key) => node?.[key], data);
      if (at && item.data) merge(at, item.data);
    }
  return { data, errors };
}

/** The query with the selections of its first root field after the first one wrapped in `... @defer`. */
function deferOneFragment(query: string): string | undefined {
  const document = parse(query);
  let done = false;
  const updated = visit(document, {
    Field(node: FieldNode) {
      if (done || !node.selectionSet || node.selectionSet.selections.length < 2) return undefined;
      done = true;
      const [first, ...rest] = node.selectionSet.selections;
      const deferred = {
        kind: Kind.INLINE_FRAGMENT,
        directives: [{ kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: "defer" }, arguments: [] }],
        selectionSet: { kind: Kind.SELECTION_SET, selections: rest },
      };
      return { ...node, selectionSet: { ...node.selectionSet, selections: [first, deferred] } as SelectionSetNode };
    },
  });
  return done ? print(updated) : undefined;
}

describe("@defer through the router", () => {
  it("Apollo Client 4 receives the initial data, then the deferred fields", async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: routerUrl }),
      cache: new InMemoryCache(),
      incrementalHandler: new Defer20220824Handler(),
    });
    const seen: Array<{ dataState: string; data: any }> = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = client.watchQuery({ query: gql(PRODUCT_PAGE_DEFERRED), variables: SKU, fetchPolicy: "no-cache" }).subscribe({
        next: (result) => {
          if (result.error) reject(result.error);
          if (result.data) seen.push({ dataState: result.dataState, data: structuredClone(result.data) });
          if (result.dataState === "complete") {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    client.stop();
    const first = seen.find((result) => result.dataState === "streaming");
    expect(first?.data.product.name).toBeTruthy();
    expect(first?.data.product.reviews === undefined || first?.data.product.shippingEstimate === undefined).toBe(true);
    const complete = seen.at(-1)!;
    const undeferred = await (await post(PRODUCT_PAGE, SKU, "application/json")).json();
    expect(complete.data.product).toMatchObject(undeferred.data.product);
    expect(complete.data.product.reviews.edges.length).toBeGreaterThan(0);
  });

  it("writes multipart parts with boundaries, hasNext and labels, each deferred fragment once, merging to the undeferred data", async () => {
    const { payloads } = await readParts(await post(PRODUCT_PAGE_DEFERRED, SKU, MULTIPART));
    expect(payloads[0]!.hasNext).toBe(true);
    expect(Object.keys(payloads[0]!.data.product).sort()).toEqual(["name", "price"]);
    expect(payloads.at(-1)!.hasNext).toBe(false);
    expect(payloads.slice(1, -1).every((p) => p.hasNext)).toBe(true);
    const items = payloads.slice(1).flatMap((p) => p.incremental ?? []);
    expect(items.map((item) => item.label).sort()).toEqual(["reviews", "shipping"]);
    expect(items.every((item) => JSON.stringify(item.path) === '["product"]')).toBe(true);
    const undeferred = await (await post(PRODUCT_PAGE, SKU, "application/json")).json();
    expect(mergeParts(payloads).data).toEqual(undeferred.data);
  });

  it("answers one merged ordinary response to a client that does not accept multipart", async () => {
    const response = await post(PRODUCT_PAGE_DEFERRED, SKU, "application/json");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const undeferred = await (await post(PRODUCT_PAGE, SKU, "application/json")).json();
    expect(await response.json()).toEqual(undeferred);
  });

  it("delivers a deferred fragment inside a list per item path", async () => {
    const query = `query { products(first: 3) { edges { node { sku ... @defer(label: "stock") { inStock } } } } }`;
    const { payloads } = await readParts(await post(query, undefined, MULTIPART));
    const paths = payloads.slice(1).flatMap((p) => (p.incremental ?? []).map((item) => JSON.stringify(item.path)));
    expect(paths.sort()).toEqual([0, 1, 2].map((i) => JSON.stringify(["products", "edges", i, "node"])));
  });

  describe("every explorer example query, one fragment deferred, merges to its undeferred answer", () => {
    const examples = loadExampleOperations().filter((example) => example.kind === "query");
    for (const example of examples) {
      it(example.id, async () => {
        const deferred = deferOneFragment(example.query);
        if (!deferred) return;
        const variables = example.variables ? JSON.parse(example.variables) : undefined;
        const undeferred = await (await post(example.query, variables, "application/json")).json();
        const response = await post(deferred, variables, MULTIPART);
        if (!response.headers.get("content-type")?.startsWith("multipart/")) {
          // Refused or answered before any part (an error at the root): the same answer as undeferred.
          expect(await response.json()).toEqual(undeferred);
          return;
        }
        const merged = mergeParts((await readParts(response)).payloads);
        expect(merged.data).toEqual(undeferred.data);
        expect(merged.errors.map((e) => e.extensions?.code).sort()).toEqual(
          (undeferred.errors ?? []).map((e: any) => e.extensions?.code).sort(),
        );
      });
    }
  });

  it("authorization removes a protected field inside a deferred fragment as it does outside one", async () => {
    const deferred = `query ($sku: String!) { product(sku: $sku) { name ... @defer { description stock { quantity } } } }`;
    const plain = `query ($sku: String!) { product(sku: $sku) { name description stock { quantity } } }`;
    const undeferred = await (await post(plain, SKU, "application/json")).json();
    expect(undeferred.errors?.length).toBeGreaterThan(0);
    const merged = await (await post(deferred, SKU, "application/json")).json();
    expect(merged).toEqual(undeferred);
    const { payloads } = await readParts(await post(deferred, SKU, MULTIPART));
    expect(JSON.stringify(payloads)).not.toContain('"quantity":');
    const codes = mergeParts(payloads).errors.map((e) => e.extensions?.code);
    expect(codes).toEqual(undeferred.errors.map((e: any) => e.extensions?.code));
  });

  it("streams an automatic persisted query sent by its hash alone", async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(PRODUCT_PAGE_DEFERRED).digest("hex") } };
    const send = (query?: string) =>
      fetch(routerUrl, {
        method: "POST",
        headers: { "content-type": "application/json", accept: MULTIPART },
        body: JSON.stringify({ ...(query && { query }), variables: SKU, extensions }),
      });
    await readParts(await send(PRODUCT_PAGE_DEFERRED));
    const { payloads } = await readParts(await send());
    const labels = payloads.slice(1).flatMap((p) => (p.incremental ?? []).map((item) => item.label));
    expect(labels.sort()).toEqual(["reviews", "shipping"]);
  });

  it("records the time to the first and to the last part", async () => {
    const before = await readCounter(routerUrl, "defer_part_seconds_count", { part: "last" });
    await readParts(await post(PRODUCT_PAGE_DEFERRED, SKU, MULTIPART));
    expect(await readCounter(routerUrl, "defer_part_seconds_count", { part: "last" })).toBe(before + 1);
    expect(await readCounter(routerUrl, "defer_part_seconds_count", { part: "first" })).toBeGreaterThanOrEqual(before + 1);
  });

  it("demand control costs a deferred fragment like the rest of the operation", async () => {
    const plain = `{ products(first: 100) { edges { node { name shippingEstimate { formatted } reviews(first: 100) { edges { node { title } } } } } } }`;
    const deferred = `{ products(first: 100) { edges { node { name ... @defer { shippingEstimate { formatted } reviews(first: 100) { edges { node { title } } } } } } } }`;
    const expected = (await (await post(plain, undefined, "application/json")).json()).errors[0].extensions;
    expect(expected.code).toBe("COST_LIMIT_EXCEEDED");
    const response = await post(deferred, undefined, MULTIPART);
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions).toEqual(expected);
  });

  it("operation limits count the selections of a deferred fragment", async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: name`).join(" ");
    const response = await post(`query ($sku: String!) { product(sku: $sku) { ... @defer { ${aliases} } } }`, SKU, MULTIPART);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe("OPERATION_LIMIT_EXCEEDED");
  });
});
