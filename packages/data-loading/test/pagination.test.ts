import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, pageRequest, toConnection } from "../src/pagination.ts";

describe("cursor pagination", () => {
  it("round-trips sort values through an opaque cursor", () => {
    const cursor = encodeCursor(["2026-01-01T00:00:00.000Z", "usr_0001"]);
    expect(cursor).not.toContain("usr_0001");
    expect(decodeCursor(cursor, 2)).toEqual(["2026-01-01T00:00:00.000Z", "usr_0001"]);
  });

  it.each(["garbage", encodeCursor(["only-one"]), Buffer.from("{}").toString("base64url"), encodeCursor([1, 2, 3])])(
    "rejects a cursor it did not issue (%s) with BAD_USER_INPUT",
    (cursor) => {
      expect(() => decodeCursor(cursor, 2)).toThrowError(
        expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }),
      );
    },
  );

  it("fetches one row more than asked to know whether there is a next page", () => {
    expect(pageRequest({ first: 10 })).toEqual({ take: 11, first: 10, after: null });
    expect(pageRequest({}, { defaultSize: 5 }).take).toBe(6);
  });

  it.each([-1, 101, 2.5])("rejects first=%s", (first) => {
    expect(() => pageRequest({ first })).toThrowError(/first/);
  });

  it("builds edges and page info from the rows", () => {
    const page = pageRequest({ first: 2 });
    const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const connection = toConnection(rows, page, (r) => [r.id]);
    expect(connection.edges.map((e) => e.node.id)).toEqual(["a", "b"]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: encodeCursor(["b"]) });
    const last = toConnection([{ id: "c" }], pageRequest({ first: 2, after: encodeCursor(["b"]) }), (r) => [r.id]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});
