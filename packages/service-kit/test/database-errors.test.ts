import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { isDatabaseUnavailable } from "../src/database-errors.ts";

/** Shapes of the errors seen from Prisma 6 with @prisma/adapter-pg and node-postgres against a database that went away. */
const prismaUnreachable = Object.assign(
  new Error("Invalid `prisma.user.findMany()` invocation:\n\nCan't reach database server at 127.0.0.1:5432"),
  {
    name: "PrismaClientKnownRequestError",
    code: "P1001",
    meta: { driverAdapterError: { name: "DriverAdapterError", cause: { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 } } },
  },
);
const inResolver = (error: Error) => new GraphQLError(error.message, { originalError: error });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["Prisma P1001 inside a resolver error", inResolver(prismaUnreachable)],
    ["a closed connection reported by the adapter", { meta: { driverAdapterError: { cause: { kind: "ConnectionClosed" } } } }],
    ["node-postgres losing its connection mid-query", inResolver(new Error("Connection terminated unexpectedly"))],
    ["a pool that cannot connect in time", new Error("timeout exceeded when trying to connect")],
    [
      "PostgreSQL shutting down (57P01)",
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
    ],
    ["a Prisma pool timeout (P2024)", Object.assign(new Error("Timed out fetching a new connection"), { code: "P2024" })],
  ])("recognises %s", (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a bug", inResolver(new TypeError("Cannot read properties of undefined"))],
    ["a unique violation", Object.assign(new Error("Unique constraint failed"), { code: "P2002" })],
    ["a failed fetch to another service", Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } })],
    ["nothing", undefined],
  ])("leaves %s alone", (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
