import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { withDomainCodes } from "@store/wire";
import { createLogger } from "../src/logger.ts";
import { errorFormatter } from "../src/graphql-errors.ts";

const lines: Array<Record<string, any>> = [];
const logger = createLogger("test", "debug", { write: (line: string) => void lines.push(JSON.parse(line)) });
const production = errorFormatter(logger, true);
const development = errorFormatter(logger, false);

/** How the PGlite and pg driver adapters report a NUL byte in a string parameter. */
const nulByte = new GraphQLError("Invalid `prisma.product.findUnique()` invocation", {
  originalError: Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
    name: "DriverAdapterError",
    cause: { kind: "postgres", code: "22021" },
  }),
});

describe("errorFormatter", () => {
  it("strips schema suggestions in production, from coded and uncoded messages alike", () => {
    const validation = {
      message: 'Cannot query field "nme" on type "Category". Did you mean "name"?',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    };
    expect(production(validation, undefined).message).toBe('Cannot query field "nme" on type "Category".');
    const coercion = {
      message:
        'Variable "$f" got invalid value { categorySlg: "x" }; Field "categorySlg" is not defined by type "ProductFilter". Did you mean "categorySlug" or "category"?',
      extensions: { code: "BAD_USER_INPUT" },
    };
    expect(production(coercion, undefined).message).toBe(
      'Variable "$f" got invalid value { categorySlg: "x" }; Field "categorySlg" is not defined by type "ProductFilter".',
    );
    expect(development(validation, undefined).message).toMatch(/Did you mean "name"\?$/);
  });

  it("answers a value the database cannot store as BAD_USER_INPUT, logged below warn", () => {
    lines.length = 0;
    const formatted = production({ message: nulByte.message, path: ["product"], extensions: { code: "INTERNAL_SERVER_ERROR" } }, nulByte);
    expect(formatted).toMatchObject({ path: ["product"], extensions: { code: "BAD_USER_INPUT" } });
    expect(formatted.message).not.toMatch(/0x00|prisma/i);
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
  });

  it("gives Apollo's APQ hash mismatch its own code instead of masking and logging it as an internal error", () => {
    lines.length = 0;
    const formatted = production(
      { message: "provided sha does not match query", extensions: { code: "INTERNAL_SERVER_ERROR" } },
      new GraphQLError("provided sha does not match query"),
    );
    expect(formatted.extensions).toEqual({ code: "PERSISTED_QUERY_HASH_MISMATCH" });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe("errorFormatter and domain codes", () => {
  const { ErrorCode: StockCode, codedError } = withDomainCodes({ INSUFFICIENT_STOCK: "INSUFFICIENT_STOCK" });

  it("lets a service's domain code through, as codedError made it or wrapped with a path", () => {
    const error = codedError(StockCode.INSUFFICIENT_STOCK, "Only 1 in stock.");
    const located = new GraphQLError(error.message, { path: ["reserveStock"], originalError: error });
    expect(production({ message: error.message, extensions: { code: "INSUFFICIENT_STOCK" } }, located).extensions).toEqual({
      code: "INSUFFICIENT_STOCK",
    });
  });

  it("lets a subgraph's code through at the router, but masks an uncoded subgraph error", () => {
    const relayed = { message: "Only 1 in stock.", extensions: { code: "INSUFFICIENT_STOCK", serviceName: "inventory" } };
    expect(production(relayed, new GraphQLError(relayed.message)).extensions?.code).toBe("INSUFFICIENT_STOCK");
    const uncoded = { message: "boom", extensions: { code: "DOWNSTREAM_SERVICE_ERROR", serviceName: "inventory" } };
    expect(production(uncoded, new GraphQLError(uncoded.message)).extensions?.code).toBe("INTERNAL_SERVER_ERROR");
  });
});
