import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { allocateStock, holdsSameItems, parseReservationRequest, type StockRow } from "../src/reservations.ts";

const caught = (work: () => unknown): GraphQLError => {
  try {
    work();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error("expected an error");
};

describe("parseReservationRequest", () => {
  it("trims the key and merges lines of the same product, keeping first-seen order", () => {
    expect(
      parseReservationRequest("  ord_1 ", [
        { productId: "prd_2", quantity: 1 },
        { productId: "prd_1", quantity: 2 },
        { productId: "prd_2", quantity: 3 },
      ]),
    ).toEqual({
      key: "ord_1",
      items: [
        { productId: "prd_2", quantity: 4 },
        { productId: "prd_1", quantity: 2 },
      ],
    });
  });

  it("lists every problem under BAD_USER_INPUT", () => {
    const error = caught(() =>
      parseReservationRequest(" ", [
        { productId: "prd_1", quantity: 0 },
        { productId: "", quantity: -1 },
      ]),
    );
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.argument).toBe("reservationKey");
    expect((error.extensions.problems as { argument: string }[]).map((p) => p.argument)).toEqual([
      "reservationKey",
      "items[0].quantity",
      "items[1].productId",
      "items[1].quantity",
    ]);
  });

  it("rejects an empty item list, too many items and a key that is too long", () => {
    expect(caught(() => parseReservationRequest("k", [])).extensions.argument).toBe("items");
    const many = Array.from({ length: 101 }, (_, i) => ({ productId: `prd_${i}`, quantity: 1 }));
    expect(caught(() => parseReservationRequest("k", many)).extensions.argument).toBe("items");
    expect(caught(() => parseReservationRequest("k".repeat(201), [{ productId: "p", quantity: 1 }])).extensions.argument).toBe(
      "reservationKey",
    );
  });
});

describe("allocateStock", () => {
  const levels: StockRow[] = [
    { productId: "a", warehouseId: "wh_ams", quantity: 3 },
    { productId: "a", warehouseId: "wh_nyc", quantity: 7 },
    { productId: "a", warehouseId: "wh_sin", quantity: 0 },
    { productId: "b", warehouseId: "wh_ams", quantity: 2 },
    { productId: "b", warehouseId: "wh_nyc", quantity: 2 },
  ];

  it("takes from the warehouse with the most units first, ties by warehouse id", () => {
    expect(
      allocateStock(
        [
          { productId: "a", quantity: 9 },
          { productId: "b", quantity: 3 },
        ],
        levels,
      ),
    ).toEqual([
      { productId: "a", warehouseId: "wh_nyc", quantity: 7 },
      { productId: "a", warehouseId: "wh_ams", quantity: 2 },
      { productId: "b", warehouseId: "wh_ams", quantity: 2 },
      { productId: "b", warehouseId: "wh_nyc", quantity: 1 },
    ]);
  });

  it("reports the first item that cannot be served", () => {
    const short = caught(() =>
      allocateStock(
        [
          { productId: "a", quantity: 1 },
          { productId: "b", quantity: 5 },
        ],
        levels,
      ),
    );
    expect(short.extensions).toEqual({ code: "INSUFFICIENT_STOCK", productId: "b", requested: 5, available: 4 });
    const unknown = caught(() => allocateStock([{ productId: "zzz", quantity: 1 }], levels));
    expect(unknown.extensions).toEqual({ code: "PRODUCT_NOT_FOUND", productId: "zzz" });
  });
});

describe("holdsSameItems", () => {
  it("compares per-product totals", () => {
    const lines = [
      { productId: "a", warehouseId: "wh_nyc", quantity: 7 },
      { productId: "a", warehouseId: "wh_ams", quantity: 2 },
    ];
    expect(holdsSameItems(lines, [{ productId: "a", quantity: 9 }])).toBe(true);
    expect(holdsSameItems(lines, [{ productId: "a", quantity: 8 }])).toBe(false);
    expect(
      holdsSameItems(lines, [
        { productId: "a", quantity: 9 },
        { productId: "b", quantity: 1 },
      ]),
    ).toBe(false);
  });
});
