import { readFile } from "node:fs/promises";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Supergraph, printSchema } from "@apollo/federation-internals";
import { describe, expect, it } from "vitest";
import { composeFromSources, composeSubgraphs, readSupergraphConfig } from "@store/composition";
import { repoRoot } from "./support/test-stack.ts";

const run = promisify(execFile);

async function ourSubgraphs() {
  const config = await readSupergraphConfig(path.join(repoRoot, "supergraph.yaml"));
  return Promise.all(config.subgraphs.map(async (s) => ({ name: s.name, url: s.routingUrl, sdl: await readFile(s.schemaPath, "utf8") })));
}

describe("composition", () => {
  it("composes the five subgraphs of supergraph.yaml", async () => {
    const config = await readSupergraphConfig(path.join(repoRoot, "supergraph.yaml"));
    expect(config.subgraphs.map((s) => s.name)).toEqual(["accounts", "products", "inventory", "reviews", "orders"]);
    const result = await composeFromSources(config.subgraphs);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("keeps @inaccessible stock reservation out of the public API", async () => {
    const result = composeSubgraphs(await ourSubgraphs());
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
    const api = printSchema(Supergraph.build(result.supergraphSdl, { supportedFeatures: null }).apiSchema());
    expect(api).not.toMatch(/reserveStock|StockReservation/);
    expect(api).toMatch(/placeOrder/);
    expect(api).toMatch(/shippingEstimate/);
  });

  it("carries the store's authorization directives into the supergraph, linked for SECURITY", async () => {
    const result = composeSubgraphs(await ourSubgraphs());
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
    for (const spec of ["authenticated", "requiresScopes", "policy"])
      expect(result.supergraphSdl).toContain(`@link(url: "https://specs.apollo.dev/${spec}/v0.1", for: SECURITY)`);
    expect(result.supergraphSdl).toMatch(/email: String @join__field\(graph: ACCOUNTS\) @policy\(policies: \[\["self_or_admin"\]\]\)/);
    expect(result.supergraphSdl).toMatch(/type WarehouseStock[^{]*@requiresScopes\(scopes: \[\["inventory:read"\], \["admin"\]\]\)/);
  });

  it("reports a breaking subgraph change with the subgraph and location", async () => {
    const subgraphs = await ourSubgraphs();
    // Reviews declares Product.price as a String: conflicts with products' Money!.
    const broken = subgraphs.map((s) =>
      s.name === "reviews" ? { ...s, sdl: `${s.sdl}\nextend type Product @key(fields: "id") { weightGrams: String @shareable }\n` } : s,
    );
    const result = composeSubgraphs(broken);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.errors.map((e) => `${e.code} ${e.message} ${e.locations.join(" ")}`).join("\n");
    expect(text).toMatch(/weightGrams/);
    expect(text).toMatch(/reviews/);
    expect(result.errors.some((e) => e.locations.some((l) => /^reviews:\d+:\d+$/.test(l)))).toBe(true);
  });

  it("reports a subgraph schema that does not parse instead of throwing", () => {
    const result = composeSubgraphs([{ name: "broken", url: "http://x/graphql", sdl: "type Query { oops: }" }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ code: "INVALID_GRAPHQL", locations: ["broken:1:20"] });
  });

  it("`npm run compose` exits non-zero and names the problem when a schema file is missing", async () => {
    const config = path.join(repoRoot, "test-results", "broken-supergraph.yaml");
    await import("node:fs/promises").then((fs) =>
      fs
        .mkdir(path.dirname(config), { recursive: true })
        .then(() =>
          fs.writeFile(
            config,
            "subgraphs:\n  ghosts:\n    routing_url: http://127.0.0.1:4999/graphql\n    schema:\n      file: ./nowhere.graphql\n",
          ),
        ),
    );
    const error = await run(
      process.execPath,
      ["--import", "tsx", "scripts/compose.ts", "--config", config, "--out", path.join(repoRoot, "test-results", "never.graphql")],
      { cwd: repoRoot },
    ).catch((e) => e);
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/ghosts.*cannot read its schema file/);
  }, 30_000);
});
