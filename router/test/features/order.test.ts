import { describe, expect, it } from "vitest";
import { defineFeature } from "../../src/features/feature.ts";
import { FEATURES } from "../../src/features/index.ts";
import { orderFeatures } from "../../src/features/order.ts";

const names = (features: readonly { name: string }[]) => features.map((feature) => feature.name);
const feature = (name: string, order: { after?: string[]; before?: string[] } = {}) =>
  defineFeature({ name, ...order, create: () => undefined });

describe("router feature order", () => {
  it("runs the features in their declared order", () => {
    expect(names(orderFeatures(FEATURES))).toEqual([
      "cors",
      "csrf",
      "failureResponse",
      "fetchMetrics",
      "authentication",
      "clientConcurrency",
      "graphqlOverHttp",
      "persistedOperations",
      "clientErrors",
      "limits",
      "demandControl",
      "rateLimit",
      "authorization",
      "subgraphSigning",
      "headers",
      "subscriptions",
      "traffic",
    ]);
  });

  it("keeps the orders that matter: claims before signing, metrics outside retries, failures answered outermost", () => {
    const order = names(orderFeatures(FEATURES));
    const before = (a: string, b: string) => expect(order.indexOf(a), `${a} before ${b}`).toBeLessThan(order.indexOf(b));
    before("cors", "authentication");
    before("authentication", "clientConcurrency");
    before("authentication", "subgraphSigning");
    before("subgraphSigning", "traffic");
    before("fetchMetrics", "traffic");
    before("failureResponse", "fetchMetrics");
  });

  it("does not depend on the order of the list", () => {
    const declared = names(orderFeatures(FEATURES));
    expect(names(orderFeatures([...FEATURES].reverse()))).toEqual(declared);
    const shuffled = [...FEATURES].sort((a, b) => (a.name.length % 3) - (b.name.length % 3) || b.name.localeCompare(a.name));
    expect(names(orderFeatures(shuffled))).toEqual(declared);
  });

  it("refuses a cycle and a name no feature has", () => {
    expect(() => orderFeatures([feature("a", { after: ["b"] }), feature("b", { after: ["a"] })])).toThrow(/cycle: a, b/);
    expect(() => orderFeatures([feature("a", { before: ["nobody"] })])).toThrow(/nobody, which is no feature/);
  });
});
