import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.ts";
import { redisReplayGuard, type ReplayGuard } from "../src/replay-guard.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const logger = createLogger("inventory", "silent");
const guards: ReplayGuard[] = [];

afterAll(async () => {
  await Promise.all(guards.map((guard) => guard.close()));
});

describe("replay guard on Redis", () => {
  it("lets replicas agree: a nonce one replica accepted is a replay at the other", async () => {
    const service = `test-${randomUUID()}`;
    const [replicaA, replicaB] = await Promise.all([
      redisReplayGuard(REDIS_URL, service, 30, logger),
      redisReplayGuard(REDIS_URL, service, 30, logger),
    ]);
    guards.push(replicaA, replicaB);
    const nonce = randomUUID();
    expect(await replicaA.firstUse(nonce)).toBe(true);
    expect(await replicaB.firstUse(nonce)).toBe(false);
    expect(await replicaB.firstUse(randomUUID())).toBe(true);
  });

  it("still refuses replays to the same replica when Redis is unreachable", async () => {
    const guard = await redisReplayGuard("redis://127.0.0.1:1", "unreachable", 30, logger);
    guards.push(guard);
    const nonce = randomUUID();
    expect(await guard.firstUse(nonce)).toBe(true);
    expect(await guard.firstUse(nonce)).toBe(false);
  });
});
