import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRegistryFile, readRegistryFile, repoRoot } from "../src/config.ts";
import { TEST_TOKENS, startTestRegistry, type TestRegistry } from "../src/testing.ts";
import { checkAnswersAgainstContract } from "./support/api-contract.ts";

/**
 * One team cannot use the registry against another, all over HTTP: moving fields out of another
 * team's subgraph needs that team's approval, loosening security needs the owners' and a security
 * team's, made-up anonymous operations do not keep fields "used", and a forced publish is recorded.
 */

checkAnswersAgainstContract();

let registry: TestRegistry;
const sdls: Record<string, string> = {};

async function api(method: "GET" | "POST", route: string, token: string, body?: unknown) {
  const response = await fetch(`${registry.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const latestVersion = async () => (await api("GET", "/v1/supergraph", TEST_TOKENS.router)).body.supergraph.version as number;

function edit(sdl: string, from: string | RegExp, to: string): string {
  const changed = sdl.replace(from, to);
  expect(changed, `the schema has ${String(from)}`).not.toBe(sdl);
  return changed;
}

/** Reviews serves `me` and `email` by @override(from: "accounts"): the attack of the issue. */
function reviewsTakingMeAndEmail(label?: string) {
  let sdl = edit(sdls.reviews!, '"@requiresScopes", ', '"@requiresScopes", "@override", ');
  sdl = edit(sdl, "type Query {", 'type Query {\n  me: User @override(from: "accounts")');
  const override = label ? `@override(from: "accounts", label: "${label}")` : '@override(from: "accounts")';
  return edit(sdl, /(type User @key\(fields: "id"\) \{\n {2}id: ID!\n)/, `$1  email: String ${override}\n`);
}

beforeAll(async () => {
  const teams = Object.fromEntries(Object.entries(readRegistryFile(defaultRegistryFile).teams).map(([team, t]) => [team, t.subgraphs]));
  // A new subgraph for the community team, and one for identity (the owner of accounts).
  teams.community = [...teams.community!, "ratings"];
  teams.identity = [...teams.identity!, "profiles"];
  registry = await startTestRegistry({ overrides: { teams, maxOperationsPerClient: 5 } });
  for (const name of ["accounts", "reviews", "products", "orders"])
    sdls[name] = await readFile(path.join(repoRoot, "subgraphs", name, "schema.graphql"), "utf8");
});

afterAll(async () => {
  await registry?.stop();
});

describe("fields moving to another team's subgraph", () => {
  it("reports @override of another team's fields in the check, and refuses the publish naming fields and owner", async () => {
    const before = await latestVersion();
    const sdl = reviewsTakingMeAndEmail();
    const check = await api("POST", "/v1/subgraphs/reviews/check", TEST_TOKENS.community, { sdl });
    expect(check.body.check.ok).toBe(false);
    expect(check.body.check.ownershipTransfers).toMatchObject([
      { coordinate: "Query.me", kind: "override", to: "reviews", owners: [{ subgraph: "accounts", team: "identity" }], approved: false },
      { coordinate: "User.email", kind: "override", to: "reviews", owners: [{ subgraph: "accounts", team: "identity" }], approved: false },
    ]);
    expect(check.body.check.approvals.missingOwners).toEqual(["identity"]);

    const publish = await api("POST", "/v1/subgraphs/reviews/publish", TEST_TOKENS.community, { sdl });
    expect(publish.status).toBe(403);
    expect(publish.body.error.code).toBe("OWNERSHIP_TRANSFER_NOT_APPROVED");
    expect(publish.body.error.message).toMatch(/Query\.me \(team identity\), User\.email \(team identity\)/);
    expect(publish.body.fields).toEqual([
      { coordinate: "Query.me", kind: "override", owners: [{ subgraph: "accounts", team: "identity" }] },
      { coordinate: "User.email", kind: "override", owners: [{ subgraph: "accounts", team: "identity" }] },
    ]);
    // Forcing is for breaking changes, never for approvals.
    const forced = await api("POST", "/v1/subgraphs/reviews/publish", TEST_TOKENS.community, {
      sdl,
      force: true,
      reason: "we own users now, trust us",
    });
    expect(forced.body.error.code).toBe("OWNERSHIP_TRANSFER_NOT_APPROVED");
    expect(await latestVersion()).toBe(before);
    expect((await api("GET", "/v1/supergraph", TEST_TOKENS.router)).body.supergraph.sdl).toMatch(
      /me: User @join__field\(graph: ACCOUNTS\)/,
    );
  });

  it("counts a progressive override and a new resolver of a shared field as moves too, but not key fields", async () => {
    const progressive = await api("POST", "/v1/subgraphs/reviews/check", TEST_TOKENS.community, {
      sdl: reviewsTakingMeAndEmail("percent(5)"),
    });
    expect(progressive.body.check.ownershipTransfers).toContainEqual(
      expect.objectContaining({
        coordinate: "User.email",
        kind: "progressive_override",
        label: "percent(5)",
        owners: [{ subgraph: "accounts", team: "identity" }],
      }),
    );
    const ratings = [
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key", "@shareable"])',
      "type Query { topRated: [User!]! }",
      'type User @key(fields: "id") { id: ID! username: String! @shareable }',
    ].join("\n");
    const check = await api("POST", "/v1/subgraphs/ratings/check", TEST_TOKENS.community, {
      sdl: ratings,
      routingUrl: "http://127.0.0.1:4098/graphql",
    });
    expect(check.body.check.composition.ok).toBe(true);
    expect(check.body.check.ownershipTransfers).toEqual([
      expect.objectContaining({
        coordinate: "User.username",
        kind: "shared",
        to: "ratings",
        owners: [{ subgraph: "accounts", team: "identity" }],
        approved: false,
      }),
    ]);
    // The same schema from the team that owns accounts moves nothing between teams.
    const own = await api("POST", "/v1/subgraphs/profiles/check", TEST_TOKENS.identity, {
      sdl: ratings,
      routingUrl: "http://127.0.0.1:4097/graphql",
    });
    expect(own.body.check).toMatchObject({
      ok: true,
      ownershipTransfers: [{ coordinate: "User.username", approved: true }],
      approvals: { missingOwners: [] },
    });
  });

  it("publishes once the owning team approved that exact schema, and records who approved", async () => {
    const sdl = reviewsTakingMeAndEmail();
    const bystander = await api("POST", "/v1/subgraphs/reviews/approvals", TEST_TOKENS.catalog, { sdl });
    expect(bystander.status).toBe(403);
    expect(bystander.body.error).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/nothing to approve/) });
    const byRouter = await api("POST", "/v1/subgraphs/reviews/approvals", TEST_TOKENS.router, { sdl });
    expect(byRouter.status).toBe(403);

    // An approval holds for the schema it was given for, not for a variant.
    const approved = await api("POST", "/v1/subgraphs/reviews/approvals", TEST_TOKENS.identity, {
      sdl,
      comment: "moving me to reviews, ticket 81",
    });
    expect(approved.status).toBe(201);
    expect(approved.body.approval).toMatchObject({ subgraph: "reviews", team: "identity", roles: ["owner"] });
    expect(approved.body.check).toMatchObject({ ok: true, approvals: { given: ["identity"], missingOwners: [] } });
    const variant = await api("POST", "/v1/subgraphs/reviews/publish", TEST_TOKENS.community, { sdl: `${sdl}\n# v2\n` });
    expect(variant.body.error.code).toBe("OWNERSHIP_TRANSFER_NOT_APPROVED");

    const publish = await api("POST", "/v1/subgraphs/reviews/publish", TEST_TOKENS.community, { sdl, author: "reviews ci" });
    expect(publish.status, JSON.stringify(publish.body).slice(0, 500)).toBe(201);
    const history = await api("GET", "/v1/subgraphs/reviews", TEST_TOKENS.router);
    expect(history.body.subgraph.versions[0]).toMatchObject({
      version: 2,
      publishedBy: "community",
      approvedBy: ["identity"],
      forceReason: null,
    });
    const versions = await api("GET", "/v1/supergraph/versions?limit=1", TEST_TOKENS.router);
    expect(versions.body.versions[0]).toMatchObject({ subgraphName: "reviews", approvedBy: ["identity"] });
  });
});

describe("security-relevant changes", () => {
  it("names a removed @authenticated and a weakened @requiresScopes, and needs a security team to publish", async () => {
    let sdl = edit(
      sdls.orders!,
      /order\(id: ID!\): Order @authenticated @requiresScopes\(scopes: \[\["orders:read"\], \["admin"\]\]\)/,
      'order(id: ID!): Order @requiresScopes(scopes: [["orders:read"], ["admin"], ["support"]])',
    );
    sdl = edit(sdl, /(placeOrder[\s\S]*?)@authenticated\n\s*/, "$1");
    const check = await api("POST", "/v1/subgraphs/orders/check", TEST_TOKENS.checkout, { sdl });
    const changes = check.body.check.securityChanges.map((c: { code: string; coordinate: string }) => `${c.code} ${c.coordinate}`);
    expect(changes).toEqual([
      "AUTHENTICATED_REMOVED Mutation.placeOrder",
      "AUTHENTICATED_REMOVED Query.order",
      "REQUIRES_SCOPES_WEAKENED Query.order",
    ]);
    expect(check.body.check.securityChanges[2].message).toMatch(
      /\[orders:read\] OR \[admin\] to \[orders:read\] OR \[admin\] OR \[support\]/,
    );
    expect(check.body.check).toMatchObject({
      ok: false,
      approvals: { missingOwners: [], security: { required: true, approved: false, teams: ["security"] } },
    });

    const before = await latestVersion();
    const refused = await api("POST", "/v1/subgraphs/orders/publish", TEST_TOKENS.checkout, { sdl });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: { code: "SECURITY_CHANGE_NOT_APPROVED" },
      securityApprovalMissing: true,
      missingOwners: [],
    });
    expect(refused.body.changes.map((c: { coordinate: string }) => c.coordinate)).toEqual([
      "Mutation.placeOrder",
      "Query.order",
      "Query.order",
    ]);
    expect(await latestVersion()).toBe(before);

    const approval = await api("POST", "/v1/subgraphs/orders/approvals", TEST_TOKENS.security, {
      sdl,
      comment: "support reads orders, reviewed",
    });
    expect(approval.body.approval.roles).toEqual(["security"]);
    const published = await api("POST", "/v1/subgraphs/orders/publish", TEST_TOKENS.checkout, { sdl });
    expect(published.status, JSON.stringify(published.body).slice(0, 500)).toBe(201);
    expect((await api("GET", "/v1/subgraphs/orders", TEST_TOKENS.router)).body.subgraph.versions[0].approvedBy).toEqual(["security"]);
  });

  it("treats making an @inaccessible field visible as widening, needing its owner and a security team", async () => {
    const hidden = edit(sdls.products!, "  weightGrams: Int!\n", "  weightGrams: Int!\n  costCents: Int @inaccessible\n");
    const withHidden = edit(hidden, /import: \[/, 'import: ["@inaccessible", ');
    const first = await api("POST", "/v1/subgraphs/products/publish", TEST_TOKENS.catalog, { sdl: withHidden });
    expect(first.status, JSON.stringify(first.body).slice(0, 500)).toBe(201);
    const visible = withHidden.replace(" @inaccessible\n", "\n");
    const check = await api("POST", "/v1/subgraphs/products/check", TEST_TOKENS.catalog, { sdl: visible });
    expect(check.body.check.securityChanges).toMatchObject([
      {
        code: "INACCESSIBLE_REMOVED",
        coordinate: "Product.costCents",
        owners: [{ subgraph: "products", team: "catalog" }],
        approved: false,
      },
    ]);
    const refused = await api("POST", "/v1/subgraphs/products/publish", TEST_TOKENS.catalog, { sdl: visible });
    expect(refused.body.error.code).toBe("SECURITY_CHANGE_NOT_APPROVED");
  });
});

describe("usage that decides a check", () => {
  const report = (reports: unknown[]) => api("POST", "/v1/usage", TEST_TOKENS.router, { reports });
  const accountsWithoutRoles = () => edit(sdls.accounts!, /\n\s*"[^"\n]*"\n\s*roles: [^\n]+/, "");

  it("ignores 300 anonymous operations with made-up names: the field stays unused", async () => {
    const spam = Array.from({ length: 300 }, (_, i) => ({
      operationName: `Spam${i}`,
      coordinates: ["Query.users", "User.roles"],
      count: 1,
    }));
    const fake = Array.from({ length: 5 }, (_, i) => ({
      operationName: `Fake${i}`,
      clientName: "made-up-client",
      identifiedBy: "client-id",
      coordinates: ["User.roles"],
      count: 1,
    }));
    const response = await report([...spam, ...fake]);
    expect(response).toMatchObject({ status: 202, body: { accepted: 0, ignored: 305 } });
    const check = await api("POST", "/v1/subgraphs/accounts/check", TEST_TOKENS.identity, { sdl: accountsWithoutRoles() });
    expect(check.body.check.changes.find((c: { coordinate: string }) => c.coordinate === "User.roles")).toMatchObject({
      code: "FIELD_REMOVED",
      blocking: false,
      affectedOperations: [],
    });
  });

  it("counts identified clients, and folds one client's operations past its bound into one bucket", async () => {
    const reports = [
      { operationName: "AdminUsers", clientName: "admin", coordinates: ["User.roles"], count: 2 },
      ...Array.from({ length: 12 }, (_, i) => ({
        operationName: `PartnerOp${i}`,
        clientName: "partner",
        identifiedBy: "token",
        coordinates: ["User.roles"],
        count: 1,
      })),
    ];
    expect((await report(reports)).body).toMatchObject({ accepted: 13, ignored: 0 });
    const check = await api("POST", "/v1/subgraphs/accounts/check", TEST_TOKENS.identity, { sdl: accountsWithoutRoles() });
    const ops = check.body.check.changes.find((c: { coordinate: string }) => c.coordinate === "User.roles").affectedOperations as Array<{
      operationName: string;
      clientName: string;
      count: number;
    }>;
    expect(ops.filter((o) => o.clientName === "admin").map((o) => o.operationName)).toEqual(["AdminUsers"]);
    const partner = ops.filter((o) => o.clientName === "partner");
    expect(partner).toHaveLength(6);
    expect(partner.find((o) => o.operationName === "(other operations)")?.count).toBe(7);
  });
});

describe("a forced breaking publish", () => {
  it("needs a reason, and the history shows who forced it, when and why", async () => {
    await api("POST", "/v1/usage", TEST_TOKENS.router, {
      reports: [{ operationName: "AccountSettings", clientName: "web", coordinates: ["User.createdAt"], count: 9 }],
    });
    const sdl = edit(sdls.accounts!, /\n\s*"[^"\n]*"\n\s*createdAt: [^\n]+/, "");
    const blocked = await api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.identity, { sdl });
    expect(blocked).toMatchObject({ status: 422, body: { error: { code: "BREAKING_CHANGE" } } });
    const noReason = await api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.identity, { sdl, force: true });
    expect(noReason).toMatchObject({ status: 400, body: { error: { code: "BAD_USER_INPUT", message: expect.stringMatching(/reason/) } } });
    const otherTeam = await api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.catalog, {
      sdl,
      force: true,
      reason: "not my subgraph but still",
    });
    expect(otherTeam.status).toBe(403);

    const startedAt = Date.now();
    const forced = await api("POST", "/v1/subgraphs/accounts/publish", TEST_TOKENS.identity, {
      sdl,
      force: true,
      reason: "createdAt leaks signup dates; web 4.1 stops using it",
      author: "dana",
    });
    expect(forced.status, JSON.stringify(forced.body).slice(0, 500)).toBe(201);
    expect(forced.body.forced).toEqual({ reason: "createdAt leaks signup dates; web 4.1 stops using it", changes: ["User.createdAt"] });
    const latest = (await api("GET", "/v1/subgraphs/accounts", TEST_TOKENS.router)).body.subgraph.versions[0];
    expect(latest).toMatchObject({
      publishedBy: "identity",
      author: "dana",
      forceReason: "createdAt leaks signup dates; web 4.1 stops using it",
      forcedChanges: ["User.createdAt"],
    });
    expect(Date.parse(latest.publishedAt)).toBeGreaterThanOrEqual(startedAt - 1000);
    const versions = (await api("GET", "/v1/supergraph/versions?limit=1", TEST_TOKENS.router)).body.versions[0];
    expect(versions).toMatchObject({
      subgraphName: "accounts",
      publishedBy: "identity",
      forceReason: expect.stringMatching(/leaks signup dates/),
      forcedChanges: ["User.createdAt"],
    });
  });
});
