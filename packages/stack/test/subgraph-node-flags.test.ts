import { describe, expect, it } from "vitest";
import { subgraphNodeFlags } from "@store/stack";

describe("subgraph node flags", () => {
  it("runs an embedded-PGlite subgraph on V8's baseline WASM compiler and a small young generation", () => {
    expect(subgraphNodeFlags(undefined)).toEqual(["--liftoff-only", "--max-semi-space-size=2"]);
    expect(subgraphNodeFlags("file:.data/products")).toEqual(["--liftoff-only", "--max-semi-space-size=2"]);
    expect(subgraphNodeFlags("memory://")).toEqual(["--liftoff-only", "--max-semi-space-size=2"]);
  });

  it("leaves a subgraph on PostgreSQL with V8's defaults", () => {
    expect(subgraphNodeFlags("postgres://store@db:5432/products")).toEqual([]);
    expect(subgraphNodeFlags("POSTGRESQL://store@db/products")).toEqual([]);
  });
});
