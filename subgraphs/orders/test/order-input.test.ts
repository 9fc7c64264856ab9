import { describe, expect, it } from "vitest";
import { normalizePlaceOrder } from "../src/order-input.ts";

const KEY = "checkout-0001";
const fieldOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    const extensions = (error as { extensions?: Record<string, unknown> }).extensions;
    return { code: extensions?.code, field: extensions?.field };
  }
  throw new Error("expected a BAD_USER_INPUT error");
};

describe("placeOrder input", () => {
  it("merges duplicate products and sorts lines by product id", () => {
    const request = normalizePlaceOrder(
      "usr_0001",
      {
        lines: [
          { productId: "prd_0002", quantity: 1 },
          { productId: "prd_0001", quantity: 2 },
          { productId: "prd_0002", quantity: 3 },
        ],
      },
      KEY,
    );
    expect(request.lines).toEqual([
      { productId: "prd_0001", quantity: 2 },
      { productId: "prd_0002", quantity: 4 },
    ]);
  });

  it("hashes equal requests equally, whatever the line order or splitting", () => {
    const a = normalizePlaceOrder(
      "usr_0001",
      {
        lines: [
          { productId: "prd_0001", quantity: 2 },
          { productId: "prd_0002", quantity: 1 },
        ],
      },
      KEY,
    );
    const b = normalizePlaceOrder(
      "usr_0001",
      {
        lines: [
          { productId: "prd_0002", quantity: 1 },
          { productId: "prd_0001", quantity: 1 },
          { productId: "prd_0001", quantity: 1 },
        ],
      },
      KEY,
    );
    const c = normalizePlaceOrder(
      "usr_0001",
      {
        lines: [
          { productId: "prd_0001", quantity: 3 },
          { productId: "prd_0002", quantity: 1 },
        ],
      },
      KEY,
    );
    const d = normalizePlaceOrder(
      "usr_0002",
      {
        lines: [
          { productId: "prd_0001", quantity: 2 },
          { productId: "prd_0002", quantity: 1 },
        ],
      },
      KEY,
    );
    expect(a.requestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.requestHash).toBe(a.requestHash);
    expect(c.requestHash).not.toBe(a.requestHash);
    expect(d.requestHash).not.toBe(a.requestHash);
  });

  it.each([
    ["a short key", { lines: [{ productId: "prd_0001", quantity: 1 }] }, "short", "idempotencyKey"],
    ["a key with spaces", { lines: [{ productId: "prd_0001", quantity: 1 }] }, "has spaces in it", "idempotencyKey"],
    ["a 101-character key", { lines: [{ productId: "prd_0001", quantity: 1 }] }, "k".repeat(101), "idempotencyKey"],
    ["no lines", { lines: [] }, KEY, "input.lines"],
    ["51 lines", { lines: Array.from({ length: 51 }, (_, i) => ({ productId: `prd_${i}`, quantity: 1 })) }, KEY, "input.lines"],
    [
      "quantity 0",
      {
        lines: [
          { productId: "prd_0001", quantity: 1 },
          { productId: "prd_0002", quantity: 0 },
        ],
      },
      KEY,
      "input.lines[1].quantity",
    ],
    ["quantity 101", { lines: [{ productId: "prd_0001", quantity: 101 }] }, KEY, "input.lines[0].quantity"],
    [
      "merged quantity over 100",
      {
        lines: [
          { productId: "prd_0001", quantity: 60 },
          { productId: "prd_0001", quantity: 41 },
        ],
      },
      KEY,
      "input.lines[1].quantity",
    ],
    ["an empty product id", { lines: [{ productId: "", quantity: 1 }] }, KEY, "input.lines[0].productId"],
  ])("rejects %s with BAD_USER_INPUT naming the field", (_, input, key, field) => {
    expect(fieldOf(() => normalizePlaceOrder("usr_0001", input, key))).toEqual({ code: "BAD_USER_INPUT", field });
  });

  it("accepts the limits themselves", () => {
    const lines = Array.from({ length: 50 }, (_, i) => ({ productId: `prd_${String(i).padStart(4, "0")}`, quantity: 100 }));
    expect(normalizePlaceOrder("usr_0001", { lines }, "k".repeat(100)).lines).toHaveLength(50);
    expect(normalizePlaceOrder("usr_0001", { lines: [{ productId: "p", quantity: 1 }] }, "abc-_123").lines).toHaveLength(1);
  });
});
