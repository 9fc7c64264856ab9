import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryEventsSettled, type RunningServer } from "@store/service-kit";
import { createTestDatabase, postGraphQL, testSubgraphConfig } from "@store/service-kit/testing";
import { accounts } from "../src/definition.ts";
import { createServer } from "../src/server.ts";

let server: Awaited<ReturnType<typeof createServer>>;
let running: RunningServer;
let url: string;

beforeAll(async () => {
  server = await createServer({ config: testSubgraphConfig("accounts"), db: await createTestDatabase(accounts.migrationsDir) });
  await accounts.seed(server.prisma, server.logger);
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
      const { body }: { body: any } = await postGraphQL(url, `query ($after: String) { users(first: 75, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
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
      r: [{ __typename: "User", id: "usr_0002" }, { __typename: "User", id: "usr_9999" }, { __typename: "User", id: "usr_0001" }],
    });
    expect(body.data._entities.map((u: { id: string } | null) => u?.id ?? null)).toEqual(["usr_0002", null, "usr_0001"]);
  });

  it("batches entity references into one SQL statement whatever their number", async () => {
    const statementsFor = async (count: number) => {
      const representations = Array.from({ length: count }, (_, i) => ({ __typename: "User", id: `usr_${String(i + 1).padStart(4, "0")}` }));
      const before = (await server.metrics.dbQueries.get()).values[0]!.value;
      const { body } = await postGraphQL(url, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }`, { r: representations });
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
