import { describe, expect, it } from "vitest";
import { problemsOf } from "../../support/config-problems.ts";
import { loadRouterConfig } from "../../../src/config.ts";

describe("limits and demandControl config", () => {
  it("is on by default in both modes", () => {
    for (const NODE_ENV of ["development", "production"]) {
      // Production needs subgraph signing secrets unless signing is off; this test is not about them.
      const config = loadRouterConfig({ env: { NODE_ENV, ROUTER_SUBGRAPH_SIGNING: "false" } });
      expect(config.limits).toEqual({
        enabled: true,
        maxDepth: 20,
        maxAliases: 30,
        maxRootFields: 20,
        maxTokens: 5000,
        maxDocumentBytes: 65536,
        maxBatchedOperations: 10,
      });
      expect(config.demandControl).toEqual({ enabled: true, mode: "enforce", maxCost: 5000, defaultListSize: 10 });
    }
  });

  it("takes the demand control mode from the environment and rejects a bad one", () => {
    expect(loadRouterConfig({ env: { ROUTER_DEMAND_CONTROL_MODE: "measure" } }).demandControl.mode).toBe("measure");
    expect(problemsOf(() => loadRouterConfig({ env: { ROUTER_DEMAND_CONTROL_MODE: "loud" } })).join("\n")).toMatch(
      /demandControl\.mode: .*\(from env ROUTER_DEMAND_CONTROL_MODE\)/,
    );
  });
});
