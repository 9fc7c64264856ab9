import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRegistryFile, readRegistryFile, repoRoot } from "../src/config.ts";
import { TEST_TOKENS, startTestRegistry, type TestRegistry } from "../src/testing.ts";
import { checkAnswersAgainstContract } from "./support/api-contract.ts";

checkAnswersAgainstContract();

let registry: TestRegistry;
let accountsSdl: string;
let reviewsSdl: string;
let productsSdl: string;

async function api(method: "GET" | "POST", route: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${registry.url}${route}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const versionsCount = async () => (await api("GET", "/v1/supergraph/versions", TEST_TOKENS.router)).body.versions.length as number;
const latestVersion = async () => (await api("GET", "/v1/supergraph", TEST_TOKENS.router)).body.supergraph.version as number;

/** The accounts schema without one field (and its one-line description). */
const accountsWithout = (field: string) => {
  const sdl = accountsSdl.replace(new RegExp(`(\\n\\s*"[^"\\n]*")?\\n\\s*${field}: [^\\n]+`), "");
  expect(sdl).not.toBe(accountsSdl);
  return sdl;
};

async function reportUsage(reports: unknown[]) {
  const response = await api("POST", "/v1/usage", TEST_TOKENS.router, { reports });
  expect(response.status).toBe(202);
}

beforeAll(async () => {
  // As in registry.yaml, plus a subgraph the identity team may create.
  const teams = Object.fromEntries(Object.entries(readRegistryFile(defaultRegistryFile).teams).map(([team, t]) => [team, t.subgraphs]));
  teams.identity = [...teams.identity!, "wishlist"];
  registry = await startTestRegistry({ overrides: { teams } });
  const read = (name: string) => readFile(path.join(repoRoot, "subgraphs", name, "schema.graphql"), "utf8");
  [accountsSdl, reviewsSdl, productsSdl] = await Promise.all([read("accounts"), read("reviews"), read("products")]);
});

afterAll(async () => {
  await registry?.stop();
});

describe("registry", () => {
  it("starts from supergraph.yaml's five subgraphs as version 1, each with its owning team", async () => {
    const { status, body } = await api("GET", "/v1/subgraphs", TEST_TOKENS.identity);
    expect(status).toBe(200);
    expect(body.subgraphs.map((s: { name: string; team: string; currentVersion: number }) => [s.name, s.team, s.currentVersion])).toEqual([
      ["accounts", "identity", 1],
      ["inventory", "logistics", 1],
      ["orders", "checkout", 1],
      ["products", "catalog", 1],
      ["reviews", "community", 1],
    ]);
    expect(await latestVersion()).toBe(1);
  });

  it("refuses requests without a valid token (401) and another team's subgraph (403), changing nothing", async () => {
    const before = await versionsCount();
    const missing = await api("POST", "/v1/subgraphs/accounts/publish", undefined, { sdl: accountsSdl });
    expect(missing).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    const bad = await api("POST", "/v1/subgraphs/accounts/publish", "not-a-real-token-at-all", { sdl: accountsWithout("createdAt") });
    expect(bad).toMatchObject({ status: 401, body: { error: { code: "UNAUTHENTICATED" } } });
    const wrongTeam = await api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.catalog, { sdl: accountsWithout("createdAt") });
    expect(wrongTeam.status).toBe(403);
    expect(wrongTeam.body.error).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/catalog.*accounts.*identity/) });
    const router = await api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.router, { sdl: accountsWithout("createdAt") });
    expect(router.status).toBe(403);
    const unowned = await api("POST", "/v1/subgraphs/giftcards/publish", TEST_TOKENS.identity, {
      sdl: "type Query { giftcard: ID }",
      routingUrl: "http://127.0.0.1:4099/graphql",
    });
    expect(unowned).toMatchObject({
      status: 403,
      body: { error: { code: "FORBIDDEN", message: expect.stringMatching(/no team owns it/) } },
    });
    expect(await versionsCount()).toBe(before);
    const accounts = (await api("GET", "/v1/subgraphs/accounts", TEST_TOKENS.identity)).body.subgraph;
    expect(accounts.sdl).toBe(accountsSdl);
  });

  it("rejects a change that does not compose with errors naming the subgraphs, type and field", async () => {
    const before = await versionsCount();
    const broken = `${reviewsSdl}\nextend type Product @key(fields: "id") { weightGrams: String @shareable }\n`;
    const check = await api("POST", "/v1/subgraphs/reviews/check", TEST_TOKENS.community, { sdl: broken });
    expect(check.status).toBe(200);
    expect(check.body.check).toMatchObject({ ok: false, composition: { ok: false } });

    const publish = await api("POST", "/v1/subgraphs/reviews/publish", TEST_TOKENS.community, { sdl: broken });
    expect(publish.status).toBe(422);
    expect(publish.body.error.code).toBe("COMPOSITION_FAILED");
    const errors = publish.body.check.composition.errors as Array<{ code: string; message: string; locations: string[] }>;
    const mismatch = errors.find((e) => e.code === "FIELD_TYPE_MISMATCH")!;
    expect(mismatch.message).toMatch(/Product\.weightGrams/);
    expect(mismatch.message).toMatch(/"reviews"/);
    expect(mismatch.message).toMatch(/"products"/);
    expect(mismatch.locations.some((l) => /^reviews:\d+:\d+$/.test(l))).toBe(true);
    expect(await versionsCount()).toBe(before);
    expect((await api("GET", "/v1/subgraphs/reviews", TEST_TOKENS.community)).body.subgraph.currentVersion).toBe(1);
  });

  it("blocks removing a field an operation used, naming the operation and the client", async () => {
    const before = await versionsCount();
    await reportUsage([
      {
        operationName: "AccountSettings",
        clientName: "web",
        clientVersion: "3.2.0",
        coordinates: ["Query.me", "User.name", "User.email"],
        count: 40,
      },
      { operationName: "ProfileCard", clientName: "ios", coordinates: ["Query.user", "Query.user(id:)", "User.email"], count: 7 },
      { operationName: "UserList", clientName: "admin", coordinates: ["Query.users", "User.username"], count: 5 },
    ]);
    const sdl = accountsWithout("email");
    const { body } = await api("POST", "/v1/subgraphs/accounts/check", TEST_TOKENS.identity, { sdl });
    expect(body.check.ok).toBe(false);
    const removal = body.check.changes.find((c: { coordinate: string }) => c.coordinate === "User.email");
    expect(removal).toMatchObject({ code: "FIELD_REMOVED", criticality: "breaking", blocking: true });
    expect(
      body.check.affectedOperations.map((o: { operationName: string; clientName: string; count: number }) => [
        o.operationName,
        o.clientName,
        o.count,
      ]),
    ).toEqual([
      ["AccountSettings", "web", 40],
      ["ProfileCard", "ios", 7],
    ]);

    const publish = await api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.identity, { sdl });
    expect(publish.status).toBe(422);
    expect(publish.body.error.code).toBe("BREAKING_CHANGE");
    expect(publish.body.error.message).toMatch(/AccountSettings \(web\)/);
    expect(await versionsCount()).toBe(before);
  });

  it("lets a removal through when the field was used only before the window; --strict blocks it", async () => {
    const tenDaysAgo = new Date(Date.now() - 10 * 24 * 3_600_000).toISOString();
    await reportUsage([
      {
        operationName: "OldRoles",
        clientName: "legacy",
        identifiedBy: "token",
        coordinates: ["User.roles"],
        count: 3,
        timestamp: tenDaysAgo,
      },
    ]);
    const sdl = accountsWithout("roles");
    const lenient = await api("POST", "/v1/subgraphs/accounts/check", TEST_TOKENS.identity, { sdl });
    expect(lenient.body.check).toMatchObject({
      ok: true,
      usage: { windowHours: 168, recorded: true },
      summary: { breaking: 1, blocking: 0 },
    });
    const wider = await api("POST", "/v1/subgraphs/accounts/check", TEST_TOKENS.identity, { sdl, usageWindowHours: 24 * 14 });
    expect(wider.body.check.affectedOperations).toMatchObject([{ operationName: "OldRoles", clientName: "legacy" }]);
    const strict = await api("POST", "/v1/subgraphs/accounts/check", TEST_TOKENS.identity, { sdl, strict: true });
    expect(strict.body.check).toMatchObject({ ok: false, summary: { blocking: 1 }, affectedOperations: [] });
  });

  it("publishes the removal of an unused field as the next version, and diff shows it", async () => {
    const before = await latestVersion();
    const sdl = accountsWithout("createdAt");
    const publish = await api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.identity, { sdl, author: "ci job 42" });
    expect(publish.status).toBe(201);
    expect(publish.body).toMatchObject({ status: "published", supergraphVersion: before + 1, subgraphVersion: 2 });
    expect(publish.body.check.changes).toMatchObject([{ code: "FIELD_REMOVED", coordinate: "User.createdAt", blocking: false }]);

    const { body: list } = await api("GET", "/v1/subgraphs", TEST_TOKENS.checkout);
    expect(list.subgraphs.find((s: { name: string }) => s.name === "accounts")).toMatchObject({
      currentVersion: 2,
      versions: 2,
      publishedBy: "identity",
      author: "ci job 42",
    });

    const { body: diff } = await api("GET", `/v1/diff?from=${before}&to=${before + 1}`, TEST_TOKENS.identity);
    expect(diff.diff.subgraphs).toEqual([{ name: "accounts", fromVersion: 1, toVersion: 2, routingUrlChanged: false }]);
    expect(diff.diff.changes).toMatchObject([{ code: "FIELD_REMOVED", coordinate: "User.createdAt" }]);

    const version = await api("GET", `/v1/supergraph/versions/${before + 1}`, TEST_TOKENS.router);
    expect(version.body.supergraph.sdl).not.toMatch(/createdAt: String!\s*\n[^}]*roles/);
    expect(version.body.supergraph.subgraphs.find((s: { name: string }) => s.name === "accounts").version).toBe(2);

    const again = await api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.identity, { sdl });
    expect(again).toMatchObject({ status: 200, body: { status: "unchanged", supergraphVersion: before + 1 } });
  });

  it("serves the supergraph with an ETag, 304 for a known one, and wakes a long-poll on publish", async () => {
    const first = await api("GET", "/v1/supergraph", TEST_TOKENS.router);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(first.body.supergraph.sdl).toMatch(/join__Graph/);
    const notModified = await fetch(`${registry.url}/v1/supergraph`, {
      headers: { authorization: `Bearer ${TEST_TOKENS.router}`, "if-none-match": etag },
    });
    expect(notModified.status).toBe(304);

    const started = Date.now();
    const poll = api("GET", "/v1/supergraph?wait=20", TEST_TOKENS.router, undefined, { "if-none-match": etag });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sdl = productsSdl.replace("weightGrams: Int!", "weightGrams: Int!\n  color: String");
    const publish = await api("POST", "/v1/subgraphs/products/publish", TEST_TOKENS.catalog, { sdl });
    expect(publish.status).toBe(201);
    const woken = await poll;
    expect(woken.status).toBe(200);
    expect(woken.body.supergraph.version).toBe(publish.body.supergraphVersion);
    expect(woken.headers.get("etag")).not.toBe(etag);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("keeps concurrent publishes of two teams apart: both land, the latest has both", async () => {
    const before = await latestVersion();
    const [a, b] = await Promise.all([
      api("POST", "/v1/subgraphs/products/publish", TEST_TOKENS.catalog, {
        sdl: productsSdl.replace("weightGrams: Int!", "weightGrams: Int!\n  color: String\n  material: String"),
      }),
      api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.identity, {
        sdl: accountsWithout("createdAt").replace("\n  name: String!", "\n  name: String!\n  nickname: String"),
      }),
    ]);
    expect([a.status, b.status], JSON.stringify([a.body, b.body]).slice(0, 2000)).toEqual([201, 201]);
    expect([a.body.supergraphVersion, b.body.supergraphVersion].sort()).toEqual([before + 1, before + 2]);
    const latest = (await api("GET", "/v1/supergraph", TEST_TOKENS.router)).body.supergraph;
    expect(latest.sdl).toMatch(/material: String/);
    expect(latest.sdl).toMatch(/nickname: String/);
  });

  it("adds a new subgraph its team owns once it names a routing URL", async () => {
    const before = await latestVersion();
    const sdl =
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key"])\ntype Query { wishlist(userId: ID!): [ID!]! }\n';
    const withoutUrl = await api("POST", "/v1/subgraphs/wishlist/publish", TEST_TOKENS.identity, { sdl });
    expect(withoutUrl).toMatchObject({
      status: 400,
      body: { error: { code: "BAD_USER_INPUT", message: expect.stringMatching(/routing URL/) } },
    });
    const published = await api("POST", "/v1/subgraphs/wishlist/publish", TEST_TOKENS.identity, {
      sdl,
      routingUrl: "http://127.0.0.1:4099/graphql",
    });
    expect(published).toMatchObject({ status: 201, body: { supergraphVersion: before + 1, subgraphVersion: 1 } });
    expect(published.body.check.changes).toMatchObject([{ code: "FIELD_ADDED", coordinate: "Query.wishlist" }]);
    const supergraph = (await api("GET", "/v1/supergraph", TEST_TOKENS.router)).body.supergraph.sdl as string;
    expect(supergraph).toMatch(/WISHLIST @join__graph\(name: "wishlist", url: "http:\/\/127\.0\.0\.1:4099\/graphql"\)/);
  });

  it("accepts usage only from routers and rejects malformed reports with the problem named", async () => {
    const fromTeam = await api("POST", "/v1/usage", TEST_TOKENS.identity, { reports: [{ coordinates: ["User.name"], count: 1 }] });
    expect(fromTeam.status).toBe(403);
    const malformed = await api("POST", "/v1/usage", TEST_TOKENS.router, { reports: [{ coordinates: ["User name"], count: 0 }] });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("BAD_USER_INPUT");
    expect(malformed.body.problems.join("\n")).toMatch(/reports\.0\.coordinates\.0.*schema coordinate/);
    expect(malformed.body.problems.join("\n")).toMatch(/reports\.0\.count/);
  });

  it("answers unknown versions with NOT_FOUND and bad parameters with BAD_USER_INPUT", async () => {
    expect(await api("GET", "/v1/supergraph/versions/999", TEST_TOKENS.router)).toMatchObject({
      status: 404,
      body: { error: { code: "NOT_FOUND" } },
    });
    expect(await api("GET", "/v1/diff?from=abc", TEST_TOKENS.router)).toMatchObject({
      status: 400,
      body: { error: { code: "BAD_USER_INPUT" } },
    });
    expect(await api("GET", "/v1/subgraphs/Not%20A%20Name", TEST_TOKENS.router)).toMatchObject({ status: 400 });
    const notJson = await fetch(`${registry.url}/v1/subgraphs/accounts/check`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKENS.identity}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${registry.url}/health/ready`)).status).toBe(200);
  });
});
