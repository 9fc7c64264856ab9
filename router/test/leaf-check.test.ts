import { buildSchema, isValidLeafValue, type NamedType } from "@apollo/federation-internals";
import { describe, expect, it } from "vitest";
import { leafCheck } from "../src/execution/result-shaping.ts";

const schema = buildSchema(`
  scalar JSON
  enum Color { RED GREEN }
  type Query { a: Int b: Float c: String d: Boolean e: ID f: Color g: JSON }
`);

const types = ["Int", "Float", "String", "Boolean", "ID", "Color", "JSON"].map((name) => schema.type(name) as NamedType);
const values: unknown[] = [
  0,
  -0,
  1,
  -1,
  42,
  1.5,
  -2.25,
  2 ** 31,
  2 ** 53,
  1e20,
  123456789012345680000,
  1e21,
  -1e21,
  1e-7,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  "",
  "RED",
  "BLUE",
  "12",
  "text",
  true,
  false,
  {},
  [],
  { a: 1 },
];

describe("leaf checks compiled per field", () => {
  it("accept and refuse exactly what federation-internals' isValidLeafValue does, for every built-in, enum and custom scalar", () => {
    for (const type of types) {
      const check = leafCheck(schema, type);
      for (const value of values) {
        expect({ type: type.name, value, valid: check(value) }).toEqual({
          type: type.name,
          value,
          valid: isValidLeafValue(schema, value, type as never),
        });
      }
    }
  });
});
