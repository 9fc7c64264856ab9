/**
 * Defence in depth: the accounts subgraph called directly, as the router would call it but without
 * the router's @policy(self_or_admin) in front. A user's email and roles go to that user (the
 * viewer, or whoever just signed in as them) and to admins, on every path; anyone else (a staff
 * member included: staff read orders, not accounts) gets null with FORBIDDEN, an anonymous caller
 * UNAUTHENTICATED.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, postGraphQL, testSubgraphConfig, callerHeaders } from "@store/service-kit/testing";
import { DEMO_PASSWORD, generateStore } from "@store/seed-data";
import { accountsMigrationsDir } from "../src/definition.ts";
import { seedAccounts } from "../src/seed.ts";
import { createServer } from "../src/server.ts";

const store = generateStore();
const customers = store.users.filter((u) => u.roles.length === 1 && u.roles[0] === "customer");
const victim = customers[3]!;
const stranger = customers[4]!;
const asVictim = callerHeaders(victim.id);
const asStranger = callerHeaders(stranger.id);
const asAdmin = callerHeaders("usr_0001", { roles: ["admin", "customer"] });
const asStaffMember = callerHeaders("usr_0003", { roles: ["staff", "customer"], scopes: ["orders:read", "inventory:read", "staff"] });

let server: Awaited<ReturnType<typeof createServer>>;
let url: string;

beforeAll(async () => {
  server = await createServer(
    { config: testSubgraphConfig("accounts"), db: await createTestDatabase(accountsMigrationsDir) },
    { jwtSecret: "accounts-test-secret-0123456789abcdef", tokenTtlMinutes: 60 },
  );
  await seedAccounts(server.prisma);
  url = `${(await server.start()).url}/graphql`;
});

afterAll(async () => {
  await server?.stop();
});

const denials = (errors: Array<{ path?: unknown[]; extensions?: { code?: string } }> | undefined) =>
  (errors ?? []).map((e) => [e.path, e.extensions?.code]);
const own = { id: victim.id, email: victim.email, roles: [...victim.roles] };
const hidden = { id: victim.id, email: null, roles: null };

describe("a user's email and roles, asked of accounts directly", () => {
  const USER = `query ($id: ID!) { user(id: $id) { id email roles } }`;

  it("user(id): the user and admins read them; another customer or a staff member gets null with FORBIDDEN, an anonymous caller UNAUTHENTICATED", async () => {
    for (const reader of [asVictim, asAdmin]) {
      const { body } = await postGraphQL(url, USER, { id: victim.id }, reader);
      expect(body.errors).toBeUndefined();
      expect(body.data.user).toEqual(own);
    }
    for (const reader of [asStranger, asStaffMember]) {
      const other = await postGraphQL(url, USER, { id: victim.id }, reader);
      expect(other.body.data.user).toEqual(hidden);
      expect(denials(other.body.errors)).toEqual([
        [["user", "email"], "FORBIDDEN"],
        [["user", "roles"], "FORBIDDEN"],
      ]);
      expect(other.body.errors?.[0]?.message).toBe("Only the user themself or an admin may read User.email.");
    }
    const nobody = await postGraphQL(url, USER, { id: victim.id });
    expect(nobody.body.data.user).toEqual(hidden);
    expect(denials(nobody.body.errors)).toEqual([
      [["user", "email"], "UNAUTHENTICATED"],
      [["user", "roles"], "UNAUTHENTICATED"],
    ]);
  });

  it("entity references and pages of users: each user's own fields only for that user (or an admin)", async () => {
    const refs = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email roles } } }`;
    const r = [victim, stranger].map((u) => ({ __typename: "User", id: u.id }));
    const asOther = await postGraphQL(url, refs, { r }, asStranger);
    expect(asOther.body.data._entities).toEqual([hidden, { id: stranger.id, email: stranger.email, roles: [...stranger.roles] }]);
    expect(denials(asOther.body.errors)).toEqual([
      [["_entities", 0, "email"], "FORBIDDEN"],
      [["_entities", 0, "roles"], "FORBIDDEN"],
    ]);
    expect((await postGraphQL(url, refs, { r }, asAdmin)).body.data._entities.map((u: { email: string }) => u.email)).toEqual([
      victim.email,
      stranger.email,
    ]);

    const page = await postGraphQL(url, `{ users(first: 50) { edges { node { id email } } } }`, {}, asStranger);
    const emails = page.body.data.users.edges.map((e: { node: { id: string; email: string | null } }) => e.node);
    expect(emails.length).toBe(50);
    for (const user of emails) expect(user.email).toBe(user.id === stranger.id ? stranger.email : null);
    expect(JSON.stringify(page.body.data)).not.toContain(victim.email);
  });

  it("me and the session login returns: the signed-in user's own fields", async () => {
    const me = await postGraphQL(url, `{ me { id email roles } }`, {}, asVictim);
    expect(me.body).toEqual({ data: { me: own } });
    // login itself is anonymous: knowing the password is what entitles the session to the fields.
    const login = `mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { user { id email roles } } }`;
    const session = await postGraphQL(url, login, { u: victim.username, p: DEMO_PASSWORD });
    expect(session.body).toEqual({ data: { login: { user: own } } });
    const wrong = await postGraphQL(url, login, { u: victim.username, p: "not-the-password" });
    expect(wrong.body.data).toBeNull();
    expect(JSON.stringify(wrong.body)).not.toContain(victim.email);
  });
});
