import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_TOKENS, startTestRegistry, type TestRegistry } from "@store/registry/testing";
import { createRegistryClient } from "../src/client.ts";
import { endpoints } from "../src/endpoints.ts";
import { RegistryApiError } from "../src/errors.ts";

/** The client against a registry built with its own factory on a fresh database. */

let registry: TestRegistry;
const client = (token: string = TEST_TOKENS.identity, url = registry.url) => createRegistryClient({ url, token, timeoutMs: 5_000 });

async function refusal(call: Promise<unknown>): Promise<RegistryApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryApiError);
  return error as RegistryApiError;
}

/** A server on a random port answering every request with `answer`. */
async function standIn(answer: (res: http.ServerResponse) => void) {
  const server = http.createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  registry = await startTestRegistry();
});

afterAll(async () => {
  await registry?.stop();
});

describe("registry client", () => {
  it("lists the subgraphs, with a body that parses with the declared schema", async () => {
    const answer = await client().subgraphs();
    expect(answer.status).toBe(200);
    expect(endpoints.subgraphs.responses[200].parse(answer.body)).toEqual(answer.body);
    expect(answer.body.subgraphs.map((s) => s.name)).toContain("accounts");
  });

  it("fills path parameters and query strings", async () => {
    const { body } = await client().subgraphVersion({ params: { name: "accounts", version: 1 } });
    expect(body.version).toMatchObject({ subgraphName: "accounts", version: 1 });
    const versions = await client().supergraphVersions({ query: { limit: 1 } });
    expect(versions.body.versions).toHaveLength(1);
  });

  it("answers 304 without a body for a supergraph the caller already has", async () => {
    const router = client(TEST_TOKENS.router);
    const first = await router.supergraph();
    if (first.status !== 200) throw new Error(`expected the supergraph, got ${first.status}`);
    const etag = first.headers.get("etag")!;
    expect(etag).toBe(`"${first.body.supergraph.hash}"`);
    const again = await router.supergraph({ headers: { "if-none-match": etag } });
    expect(again).toMatchObject({ status: 304, body: undefined });
  });

  it("checks and publishes: an unchanged schema answers 200 with status unchanged", async () => {
    const { body: current } = await client().subgraph({ params: { name: "accounts" } });
    const check = await client().check({ params: { name: "accounts" }, body: { sdl: current.subgraph.sdl } });
    expect(check.body.check).toMatchObject({ subgraph: "accounts", ok: true });
    const publish = await client().publish({ params: { name: "accounts" }, body: { sdl: current.subgraph.sdl } });
    expect(publish).toMatchObject({ status: 200, body: { status: "unchanged", subgraphVersion: 1 } });
  });

  it("turns the registry's error answers into a RegistryApiError with its code, status and body", async () => {
    const unknown = await refusal(client("not-a-token").subgraphs());
    expect(unknown).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    const missing = await refusal(client().subgraph({ params: { name: "nothing" } }));
    expect(missing).toMatchObject({ code: "NOT_FOUND", status: 404, message: 'No subgraph "nothing" in the registry.' });
    const routerPublish = await refusal(
      client(TEST_TOKENS.router).publish({ params: { name: "accounts" }, body: { sdl: "type Query { a: Int }" } }),
    );
    expect(routerPublish).toMatchObject({ code: "FORBIDDEN", status: 403, body: { error: { code: "FORBIDDEN" } } });
    const notComposing = await refusal(client().publish({ params: { name: "accounts" }, body: { sdl: "type Query { a: Nope }" } }));
    expect(notComposing).toMatchObject({ code: "COMPOSITION_FAILED", status: 422, body: { check: { ok: false } } });
  });

  it("names a registry it cannot reach, and an answer that is not the registry's", async () => {
    const closed = await standIn(() => undefined);
    await closed.close();
    const unreachable = await refusal(client(TEST_TOKENS.identity, closed.url).subgraphs());
    expect(unreachable).toMatchObject({ code: "REGISTRY_UNREACHABLE", status: undefined, message: expect.stringMatching(/ECONNREFUSED/) });

    const html = await standIn((res) => res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>"));
    const notJson = await refusal(client(TEST_TOKENS.identity, html.url).subgraphs());
    expect(notJson).toMatchObject({ code: "REGISTRY_BAD_RESPONSE", status: 502 });
    await html.close();
  });

  it("gives up after its timeout", async () => {
    const silent = await standIn(() => undefined);
    const slow = createRegistryClient({ url: silent.url, token: "t", timeoutMs: 200 });
    const error = await refusal(slow.subgraphs());
    expect(error).toMatchObject({ code: "REGISTRY_UNREACHABLE", message: expect.stringMatching(/no answer within 0.2 s/) });
    await silent.close();
  });
});
