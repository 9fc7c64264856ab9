import { describe, expect, it } from "vitest";
import { entityCacheConfigSchema, resolveEntityCache } from "../../../src/features/entity-cache/config.ts";

describe("entityCache config", () => {
  it("is off by default and refuses unknown fields and bad coordinates", () => {
    expect(entityCacheConfigSchema.parse(undefined)).toMatchObject({ enabled: false, backend: "memory", defaultMaxAgeSeconds: 0 });
    expect(entityCacheConfigSchema.safeParse({ ttl: 5 }).success).toBe(false);
    expect(entityCacheConfigSchema.safeParse({ overrides: { "Product.totalStock": { maxAgeSeconds: 5 } } }).success).toBe(true);
    expect(entityCacheConfigSchema.safeParse({ overrides: { "Product totalStock": { maxAgeSeconds: 5 } } }).success).toBe(false);
  });

  it("takes the Redis URL from the environment only, and says what is missing or malformed", () => {
    const section = entityCacheConfigSchema.parse({ enabled: true, backend: "redis" });
    expect(resolveEntityCache(section, {}).problem).toMatch(/ENTITY_CACHE_REDIS_URL/);
    expect(resolveEntityCache(section, { ENTITY_CACHE_REDIS_URL: "http://x" }).problem).toMatch(/redis:\/\//);
    expect(resolveEntityCache(section, { ENTITY_CACHE_REDIS_URL: "redis://127.0.0.1:6379" }).config.redisUrl).toBe(
      "redis://127.0.0.1:6379",
    );
  });
});
