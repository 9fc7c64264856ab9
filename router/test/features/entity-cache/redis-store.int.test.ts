import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@store/service-kit";
import { redisStore } from "../../../src/features/entity-cache/store.ts";

/** The Redis store on the machine's Redis (REDIS_URL or 127.0.0.1:6379), under a prefix of its own. */
const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const errors: string[] = [];
const store = redisStore({
  url,
  keyPrefix: `test-entity-cache:${process.pid}:${Date.now()}`,
  commandTimeoutMs: 2_000,
  graceMs: 60_000,
  logger: createLogger("test", "silent"),
  events: { storeError: (operation) => errors.push(operation), storeUp: () => undefined },
});
afterAll(() => store.close());

const ref = (id: string, shape = "s") => ({ record: `Product:[["id","${id}"]]`, shape });
const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 50 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
};

describe("redis entity cache store", () => {
  it("stores shapes of one entity, and an invalidation drops them all", async () => {
    // Lookups fail fast (and are counted) until the connection is ready.
    await until(async () => (await store.lookup([ref("warm")])).versions[0] !== "~down");
    errors.length = 0;
    const seen = await store.lookup([ref("p1", "a"), ref("p1", "b")]);
    expect(seen.values).toEqual([undefined, undefined]);
    await store.write([
      { ...ref("p1", "a"), value: '{"a":1}', ttlMs: 60_000, version: seen.versions[0]! },
      { ...ref("p1", "b"), value: '{"b":2}', ttlMs: 60_000, version: seen.versions[1]! },
    ]);
    expect((await store.lookup([ref("p1", "a"), ref("p1", "b")])).values).toEqual(['{"a":1}', '{"b":2}']);
    await store.invalidate([ref("p1").record]);
    expect((await store.lookup([ref("p1", "a"), ref("p1", "b")])).values).toEqual([undefined, undefined]);
    expect(errors).toEqual([]);
  });

  it("drops a write whose lookup came before an invalidation, and takes the next one", async () => {
    const before = await store.lookup([ref("p2")]);
    await store.invalidate([ref("p2").record]);
    await store.write([{ ...ref("p2"), value: "old", ttlMs: 60_000, version: before.versions[0]! }]);
    expect((await store.lookup([ref("p2")])).values).toEqual([undefined]);
    const after = await store.lookup([ref("p2")]);
    await store.write([{ ...ref("p2"), value: "new", ttlMs: 60_000, version: after.versions[0]! }]);
    expect((await store.lookup([ref("p2")])).values).toEqual(["new"]);
  });

  it("lets a shape expire on its own maxAge", async () => {
    const seen = await store.lookup([ref("p3")]);
    await store.write([{ ...ref("p3"), value: "short", ttlMs: 200, version: seen.versions[0]! }]);
    expect((await store.lookup([ref("p3")])).values).toEqual(["short"]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await store.lookup([ref("p3")])).values).toEqual([undefined]);
  });
});
