import { describe, expect, it } from "vitest";
import { alignToKeys, groupToKeys } from "../src/batching.ts";

describe("alignToKeys", () => {
  it("returns rows in the order of the keys, null for keys without a row", () => {
    const rows = [
      { id: "b", n: 2 },
      { id: "a", n: 1 },
    ];
    expect(alignToKeys(["a", "missing", "b", "a"], rows, (r) => r.id)).toEqual([rows[1], null, rows[0], rows[1]]);
  });
});

describe("groupToKeys", () => {
  it("gives every key its rows in row order, an empty list for keys without rows", () => {
    const rows = [
      { order: "b", n: 1 },
      { order: "a", n: 2 },
      { order: "b", n: 3 },
    ];
    expect(groupToKeys(["a", "missing", "b"], rows, (r) => r.order)).toEqual([[rows[1]], [], [rows[0], rows[2]]]);
  });
});
