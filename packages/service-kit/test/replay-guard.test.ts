import { describe, expect, it } from "vitest";
import { memoryReplayGuard } from "../src/replay-guard.ts";

describe("replay guard (in memory)", () => {
  it("accepts a nonce once within the window and again after it", async () => {
    let now = 1_000_000;
    const guard = memoryReplayGuard(60, () => now);
    expect(await guard.firstUse("a")).toBe(true);
    expect(await guard.firstUse("b")).toBe(true);
    expect(await guard.firstUse("a")).toBe(false);
    now += 60_001;
    // Past the window the signature itself has expired; the guard forgets the nonce.
    expect(await guard.firstUse("a")).toBe(true);
  });
});
