import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryEventsSettled, type RunningServer } from "@store/service-kit";
import { createTestDatabase, postGraphQL, testSubgraphConfig, callerHeaders } from "@store/service-kit/testing";
import { DEMO_PASSWORD, generateStore } from "@store/seed-data";
import { decodeJwt, jwtVerify } from "jose";
import { accountsMigrationsDir } from "../src/definition.ts";
import { seedAccounts } from "../src/seed.ts";
import { createServer } from "../src/server.ts";

const SECRET = "accounts-test-secret-0123456789abcdef";
const LOGIN = `mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt user { id username roles } } }`;
const store = generateStore();

let server: Awaited<ReturnType<typeof createServer>>;
let running: RunningServer;
let url: string;

beforeAll(async () => {
  server = await createServer(
    { config: testSubgraphConfig("accounts"), db: await createTestDatabase(accountsMigrationsDir) },
    { jwtSecret: SECRET, tokenTtlMinutes: 60 },
  );
  await seedAccounts(server.prisma);
  running = await server.start();
  url = `${running.url}/graphql`;
});

afterAll(async () => {
  await server?.stop();
});

describe("accounts subgraph", () => {
  it("pages through all users with cursors and a total", async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    do {
      const { body }: { body: any } = await postGraphQL(
        url,
        `query ($after: String) { users(first: 75, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(body.errors).toBeUndefined();
      const users: any = body.data.users;
      expect(users.totalCount).toBe(200);
      for (const edge of users.edges) seen.add(edge.node.id);
      after = users.pageInfo.hasNextPage ? users.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen.size).toBe(200);
  });

  it("rejects a forged cursor with BAD_USER_INPUT", async () => {
    const { body } = await postGraphQL(url, `{ users(after: "not-a-cursor") { totalCount } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("resolves entity references in order, null for unknown ids", async () => {
    const { body } = await postGraphQL(url, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id username } } }`, {
      r: [
        { __typename: "User", id: "usr_0002" },
        { __typename: "User", id: "usr_9999" },
        { __typename: "User", id: "usr_0001" },
      ],
    });
    expect(body.data._entities.map((u: { id: string } | null) => u?.id ?? null)).toEqual(["usr_0002", null, "usr_0001"]);
  });

  it("batches entity references into one SQL statement whatever their number", async () => {
    const statementsFor = async (count: number) => {
      const representations = Array.from({ length: count }, (_, i) => ({
        __typename: "User",
        id: `usr_${String(i + 1).padStart(4, "0")}`,
      }));
      const before = (await server.metrics.dbQueries.get()).values[0]!.value;
      const { body } = await postGraphQL(url, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }`, {
        r: representations,
      });
      expect(body.data._entities).toHaveLength(count);
      await queryEventsSettled();
      return (await server.metrics.dbQueries.get()).values[0]!.value - before;
    };
    expect(await statementsFor(5)).toBe(1);
    expect(await statementsFor(150)).toBe(1);
  });

  it("answers ready on /health/ready", async () => {
    const response = await fetch(`${running.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready", checks: { database: "ok", migrations: "ok" } });
  });
});

describe("login", () => {
  it("issues an HS256 token whose claims name the user, their roles and the scopes of those roles", async () => {
    const admin = store.users[0]!;
    const { body } = await postGraphQL(url, LOGIN, { u: admin.username, p: DEMO_PASSWORD });
    expect(body.errors).toBeUndefined();
    const session = body.data.login;
    expect(session.user).toEqual({ id: admin.id, username: admin.username, roles: ["admin", "customer"] });
    const { payload, protectedHeader } = await jwtVerify(session.token, new TextEncoder().encode(SECRET), {
      issuer: "store-accounts",
      audience: "store-graph",
      algorithms: ["HS256"],
    });
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload).toMatchObject({ sub: admin.id, username: admin.username, roles: ["admin", "customer"] });
    expect((payload.scope as string).split(" ").sort()).toEqual(
      ["admin", "inventory:read", "inventory:write", "orders:read", "orders:write", "profile:read", "reviews:write"].sort(),
    );
    // About an hour, and expiresAt says the same as the token.
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(Date.parse(session.expiresAt)).toBe(payload.exp! * 1000);
  });

  it("gives a customer the customer scopes only", async () => {
    const customer = store.users[10]!;
    const { body } = await postGraphQL(url, LOGIN, { u: customer.username, p: DEMO_PASSWORD });
    expect(decodeJwt(body.data.login.token).scope).toBe("orders:read orders:write reviews:write profile:read");
  });

  it("gives a staff member the customer scopes plus stock and every user's orders (inventory:read, staff), not admin", async () => {
    const staffMember = store.users[2]!;
    expect(staffMember.roles).toContain("staff");
    const { body } = await postGraphQL(url, LOGIN, { u: staffMember.username, p: DEMO_PASSWORD });
    expect((decodeJwt(body.data.login.token).scope as string).split(" ").sort()).toEqual(
      ["inventory:read", "orders:read", "orders:write", "profile:read", "reviews:write", "staff"].sort(),
    );
  });

  it("answers a wrong password and an unknown user alike, with UNAUTHENTICATED", async () => {
    const wrong = await postGraphQL(url, LOGIN, { u: store.users[10]!.username, p: "not-the-password" });
    const unknown = await postGraphQL(url, LOGIN, { u: "nobody.at.all", p: DEMO_PASSWORD });
    for (const { body } of [wrong, unknown]) {
      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
    expect(wrong.body.errors![0]!.message).toBe(unknown.body.errors![0]!.message);
  });

  it("stores scrypt hashes, never the password", async () => {
    const row = await server.prisma.user.findUnique({ where: { id: "usr_0003" } });
    expect(row?.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row?.passwordHash).not.toContain(DEMO_PASSWORD);
  });
});

describe("me", () => {
  it("is the viewer named by the router's claims header", async () => {
    const { body } = await postGraphQL(url, `{ me { id username } }`, {}, callerHeaders("usr_0007"));
    expect(body.data.me).toEqual({ id: "usr_0007", username: store.users[6]!.username });
  });

  it("is null for an anonymous request", async () => {
    const { body } = await postGraphQL(url, `{ me { id } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.me).toBeNull();
  });
});
