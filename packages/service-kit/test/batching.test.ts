import { describe, expect, it } from "vitest";
import { alignToKeys } from "../src/batching.ts";

describe("alignToKeys", () => {
  it("returns rows in the order of the keys, null for keys without a row", () => {
    const rows = [{ id: "b", n: 2 }, { id: "a", n: 1 }];
    expect(alignToKeys(["a", "missing", "b", "a"], rows, (r) => r.id)).toEqual([rows[1], null, rows[0], rows[1]]);
  });
});
