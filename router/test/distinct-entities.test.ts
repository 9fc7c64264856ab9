import { describe, expect, it } from "vitest";
import { DistinctEntities } from "../src/execution/distinct-entities.ts";

/** Indexes each entity in turn the way an entity fetch does: a new one gets the next free index. */
function indexAll(fields: string[], entities: Array<Record<string, unknown>>): Array<number | undefined> {
  const distinct = new DistinctEntities(fields);
  let next = 0;
  return entities.map((entity) => {
    const index = distinct.indexOf(entity, next);
    if (index === next) next++;
    return index;
  });
}

describe("finding repeated entities by their key fields", () => {
  it("gives a repeated entity the index of its first occurrence, whatever else it carries", () => {
    const indexes = indexAll(
      ["__typename", "upc"],
      [
        { __typename: "Product", upc: "1", name: "A" },
        { __typename: "Product", upc: "2" },
        { __typename: "Product", upc: "1", reviews: [] },
      ],
    );
    expect(indexes).toEqual([0, 1, 0]);
  });

  it("tells compound keys apart by every field, in order", () => {
    const indexes = indexAll(
      ["__typename", "upc", "price", "weight"],
      [
        { __typename: "Product", upc: "1", price: 100, weight: 50 },
        { __typename: "Product", upc: "1", price: 100, weight: 51 },
        { __typename: "Product", upc: "1", price: 50, weight: 100 },
        { __typename: "Product", upc: "1", price: 100, weight: 50 },
      ],
    );
    expect(indexes).toEqual([0, 1, 2, 0]);
  });

  it("keeps values of different types apart, as their representations differ", () => {
    const indexes = indexAll(
      ["__typename", "id"],
      [
        { __typename: "User", id: "1" },
        { __typename: "User", id: 1 },
        { __typename: "User", id: true },
        { __typename: "User", id: null },
        { __typename: "User", id: "null" },
        { __typename: "User", id: 1 },
      ],
    );
    expect(indexes).toEqual([0, 1, 2, 3, 4, 1]);
  });

  it("compares object and list key values by their JSON, apart from a string holding the same text", () => {
    const indexes = indexAll(
      ["__typename", "location"],
      [
        { __typename: "Store", location: { lat: 1, lng: 2 } },
        { __typename: "Store", location: '{"lat":1,"lng":2}' },
        { __typename: "Store", location: { lat: 1, lng: 2 } },
        { __typename: "Store", location: [1, 2] },
      ],
    );
    expect(indexes).toEqual([0, 1, 0, 2]);
  });

  it("gives no index to an entity missing a key field", () => {
    expect(indexAll(["__typename", "upc"], [{ __typename: "Product" }, { __typename: "Product", upc: "1" }])).toEqual([undefined, 0]);
  });
});
