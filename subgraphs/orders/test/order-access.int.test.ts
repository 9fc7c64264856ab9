/**
 * Defence in depth: the orders subgraph called directly, as the router would call it but without
 * the router's schema directives in front, with other users' claims. Every way to an order (the
 * root field, Order references, User.orders, Shipment.order) gives the owner and staff the data and
 * anyone else nothing; the public tracking view has no way to the order at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import { createTestDatabase, postGraphQL, testSubgraphConfig, callerHeaders } from "@store/service-kit/testing";
import { loadOrdersSettings } from "../src/config.ts";
import { ordersMigrationsDir } from "../src/definition.ts";
import { seedOrders } from "../src/seed.ts";
import { createServer } from "../src/server.ts";

let server: Awaited<ReturnType<typeof createServer>>;
let url: string;
const store = generateStore(seedSizesFromEnv());
const customers = store.users.filter((u) => u.roles.length === 1 && u.roles[0] === "customer");
const victim = customers.find((u) => store.orders.filter((o) => o.userId === u.id).length >= 3)!;
const stranger = customers.find((u) => u.id !== victim.id && store.orders.some((o) => o.userId === u.id))!;
const victimOrders = store.orders.filter((o) => o.userId === victim.id);
const strangerOrder = store.orders.find((o) => o.userId === stranger.id)!;

const asVictim = callerHeaders(victim.id, { scopes: ["orders:read"] });
const asStranger = callerHeaders(stranger.id, { scopes: ["orders:read"] });
const asAdmin = callerHeaders("usr_0001", { roles: ["admin", "customer"] });
/** A store's staff member (the staff role alone, no admin): reads any user's orders too. */
const asStaffMember = callerHeaders("usr_0003", { roles: ["staff"], scopes: ["orders:read", "inventory:read", "staff"] });
const anonymous = {};

const codes = (errors: Array<{ extensions?: { code?: string } }> | undefined) => (errors ?? []).map((e) => e.extensions?.code);
const orderRef = (id: string) => ({ __typename: "Order", id });
const userRef = (id: string) => ({ __typename: "User", id });

beforeAll(async () => {
  server = await createServer(
    { config: testSubgraphConfig("orders"), db: await createTestDatabase(ordersMigrationsDir) },
    loadOrdersSettings({}),
  );
  await seedOrders(server.prisma);
  url = `${(await server.start()).url}/graphql`;
});

afterAll(async () => {
  await server?.stop();
});

describe("orders answers for its own data, with or without the router's directives", () => {
  const ORDER = `query ($id: ID!) { order(id: $id) { id user { id } total { cents } shipment { trackingNumber order { id } } } }`;

  it("Query.order and Order references (_entities): the owner and staff get the order, anyone else null, as for an unknown id", async () => {
    const id = victimOrders[0]!.id;
    for (const reader of [asVictim, asAdmin, asStaffMember]) {
      const { body } = await postGraphQL(url, ORDER, { id }, reader);
      expect(body.errors).toBeUndefined();
      expect(body.data.order).toMatchObject({ id, user: { id: victim.id }, shipment: { order: { id } } });
    }
    expect((await postGraphQL(url, ORDER, { id }, asStranger)).body).toEqual({ data: { order: null } });
    expect((await postGraphQL(url, ORDER, { id: "ord_nope" }, asStranger)).body).toEqual({ data: { order: null } });
    const signedOut = await postGraphQL(url, ORDER, { id }, anonymous);
    expect(signedOut.body.data.order).toBeNull();
    expect(codes(signedOut.body.errors)).toEqual(["UNAUTHENTICATED"]);

    // The same orders as entity references, which is how the router reaches an order another subgraph names.
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id user { id } lines { quantity } } } }`;
    const r = [orderRef(victimOrders[0]!.id), orderRef(strangerOrder.id), orderRef(victimOrders[1]!.id)];
    const ids = async (headers: Record<string, string>) => {
      const { body } = await postGraphQL(url, query, { r }, headers);
      expect(body.errors).toBeUndefined();
      return body.data._entities.map((order: { id: string } | null) => order?.id ?? null);
    };
    expect(await ids(asStranger)).toEqual([null, strangerOrder.id, null]);
    expect(await ids(anonymous)).toEqual([null, null, null]);
    expect(await ids(asVictim)).toEqual([victimOrders[0]!.id, null, victimOrders[1]!.id]);
    expect(await ids(asAdmin)).toEqual(r.map((ref) => ref.id));
    expect(await ids(asStaffMember)).toEqual(r.map((ref) => ref.id));
  });

  it("User.orders: null with FORBIDDEN for another customer and UNAUTHENTICATED when anonymous, even in one batch with the caller's own", async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id orders(first: 50) { totalCount edges { node { id user { id } } } } } } }`;
    const r = [userRef(victim.id), userRef(stranger.id)];

    const asOther = await postGraphQL(url, query, { r }, asStranger);
    const [victimEntity, strangerEntity] = asOther.body.data._entities;
    expect(victimEntity).toEqual({ id: victim.id, orders: null });
    expect(strangerEntity.orders.totalCount).toBe(store.orders.filter((o) => o.userId === stranger.id).length);
    expect(asOther.body.errors).toMatchObject([{ path: ["_entities", 0, "orders"], extensions: { code: "FORBIDDEN" } }]);

    const asNobody = await postGraphQL(url, query, { r }, anonymous);
    expect(asNobody.body.data._entities).toEqual([
      { id: victim.id, orders: null },
      { id: stranger.id, orders: null },
    ]);
    expect(codes(asNobody.body.errors)).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED"]);

    for (const reader of [asVictim, asAdmin, asStaffMember]) {
      const { body } = await postGraphQL(url, query, { r: [userRef(victim.id)] }, reader);
      expect(body.errors).toBeUndefined();
      const orders = body.data._entities[0].orders;
      expect(orders.totalCount).toBe(victimOrders.length);
      expect(orders.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(victimOrders.map((o) => o.id).sort());
    }
  });

  it("trackShipment is the carrier's view for anyone with the number, with no way from it to the order or the buyer", async () => {
    const { trackingNumber } = await server.prisma.shipment.findUniqueOrThrow({ where: { orderId: victimOrders[0]!.id } });
    const view = await postGraphQL(
      url,
      `query ($n: String!) { trackShipment(trackingNumber: $n) { trackingNumber carrier status events { status } } }`,
      { n: trackingNumber },
      anonymous,
    );
    expect(view.body.errors).toBeUndefined();
    expect(view.body.data.trackShipment).toMatchObject({
      trackingNumber,
      carrier: victimOrders[0]!.shipment.carrier,
      status: victimOrders[0]!.shipment.status,
    });

    const asking = await postGraphQL(
      url,
      `query ($n: String!) { trackShipment(trackingNumber: $n) { order { id } } }`,
      { n: trackingNumber },
      asStranger,
    );
    expect(codes(asking.body.errors)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    const shape = await postGraphQL(
      url,
      `{ __type(name: "ShipmentTracking") { fields { name type { ofType { name ofType { ofType { name } } } } } } }`,
    );
    expect(shape.body.data.__type.fields.map((f: { name: string }) => f.name)).toEqual(["trackingNumber", "carrier", "status", "events"]);
  });
});
