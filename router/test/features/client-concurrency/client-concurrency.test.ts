import { describe, expect, it } from "vitest";
import { createClientSlots } from "../../../src/features/client-concurrency/slots.ts";

describe("client slots", () => {
  it("runs up to maxInFlight per client, queues in arrival order up to maxQueued, refuses the rest", async () => {
    const slots = createClientSlots({ maxInFlight: 2, maxQueued: 2 });
    const a1 = slots.admit("a", 1);
    const a2 = slots.admit("a", 1);
    expect([a1.kind, a2.kind]).toEqual(["run", "run"]);
    const a3 = slots.admit("a", 1);
    const a4 = slots.admit("a", 1);
    expect([a3.kind, a4.kind]).toEqual(["wait", "wait"]);
    expect(slots.admit("a", 1).kind).toBe("refused");
    expect(slots.admit("b", 1).kind).toBe("run"); // another client has its own share

    const order: string[] = [];
    void (a3 as Extract<typeof a3, { kind: "wait" }>).granted.then(() => order.push("a3"));
    void (a4 as Extract<typeof a4, { kind: "wait" }>).granted.then(() => order.push("a4"));
    (a1 as Extract<typeof a1, { kind: "run" }>).release();
    (a1 as Extract<typeof a1, { kind: "run" }>).release(); // a second release gives nothing back twice
    await Promise.resolve();
    expect(order).toEqual(["a3"]);
    expect(slots.admit("a", 1).kind).toBe("wait"); // a4 still waits, so there is room for one more in line
  });

  it("lets a batch larger than maxInFlight run alone, and forgets clients with nothing in flight", async () => {
    const slots = createClientSlots({ maxInFlight: 4, maxQueued: 0 });
    const batch = slots.admit("a", 10);
    expect(batch.kind).toBe("run");
    expect(slots.admit("a", 1).kind).toBe("refused");
    (batch as Extract<typeof batch, { kind: "run" }>).release();
    expect(slots.clients).toBe(0);
  });

  it("gives up a waiting place when the client goes away, and lets the next in line run", async () => {
    const slots = createClientSlots({ maxInFlight: 2, maxQueued: 4 });
    const running = slots.admit("a", 1) as { kind: "run"; release: () => void };
    const big = slots.admit("a", 2) as { kind: "wait"; granted: Promise<() => void>; cancel: () => void };
    const small = slots.admit("a", 1) as { kind: "wait"; granted: Promise<() => void>; cancel: () => void };
    expect([big.kind, small.kind]).toEqual(["wait", "wait"]);
    let smallRuns = false;
    void small.granted.then(() => (smallRuns = true));
    big.cancel();
    await Promise.resolve();
    expect(smallRuns).toBe(true);
    running.release();
    (await small.granted)();
    expect(slots.clients).toBe(0);
  });
});
