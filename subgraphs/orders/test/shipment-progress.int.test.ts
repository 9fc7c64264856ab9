/**
 * advanceShipment and orderStatusChanged on the orders subgraph itself (PGlite, the in-process bus):
 * staff move a shipment on, the change is stored with its tracking event, and the order's
 * subscribers hear of it; nobody else may move it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryBus, eventStream } from "@store/events";
import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import { createTestDatabase, postGraphQL, testSubgraphConfig, callerHeaders } from "@store/service-kit/testing";
import { loadOrdersSettings } from "../src/config.ts";
import { ordersMigrationsDir } from "../src/definition.ts";
import { seedOrders } from "../src/seed.ts";
import { createServer } from "../src/server.ts";
import { orderStatusTopic } from "../src/shipment-progress.ts";

let server: Awaited<ReturnType<typeof createServer>>;
let url: string;
const events = createMemoryBus();
const store = generateStore(seedSizesFromEnv());
const confirmed = store.orders.find((o) => o.status === "CONFIRMED")!;
const asStaff = callerHeaders("usr_0003", { roles: ["staff"], scopes: ["orders:read", "staff"] });
const asOwner = callerHeaders(confirmed.userId, { scopes: ["orders:read"] });
const ADVANCE = `mutation ($id: ID!) { advanceShipment(orderId: $id) { id status shipment { status events { status } } } }`;

beforeAll(async () => {
  server = await createServer(
    { config: testSubgraphConfig("orders"), db: await createTestDatabase(ordersMigrationsDir), events },
    loadOrdersSettings({}),
  );
  await seedOrders(server.prisma);
  url = `${(await server.start()).url}/graphql`;
});

afterAll(async () => {
  await server?.stop();
});

describe("advanceShipment", () => {
  it("refuses anyone but staff, and the order's owner too", async () => {
    const { body: result } = await postGraphQL(url, ADVANCE, { id: confirmed.id }, asOwner);
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("moves CONFIRMED to SHIPPED then DELIVERED, publishing each change, then refuses with CONFLICT", async () => {
    const stream = eventStream<{ orderId: string; status: string }>(events, [orderStatusTopic(confirmed.id)]);
    const { body: shipped } = await postGraphQL(url, ADVANCE, { id: confirmed.id }, asStaff);
    expect(shipped.errors).toBeUndefined();
    expect(shipped.data!.advanceShipment).toMatchObject({ status: "SHIPPED", shipment: { status: "IN_TRANSIT" } });
    expect((await stream.next()).value).toEqual({ orderId: confirmed.id, status: "SHIPPED" });
    const { body: delivered } = await postGraphQL(url, ADVANCE, { id: confirmed.id }, asStaff);
    expect(delivered.data!.advanceShipment.status).toBe("DELIVERED");
    expect(delivered.data!.advanceShipment.shipment.events.at(-1).status).toBe("DELIVERED");
    expect((await stream.next()).value).toEqual({ orderId: confirmed.id, status: "DELIVERED" });
    const { body: again } = await postGraphQL(url, ADVANCE, { id: confirmed.id }, asStaff);
    expect(again.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    await stream.return!();
  });
});
