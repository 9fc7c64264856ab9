import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBus, eventStream, type EventBus } from "@store/events";

/** Two buses on one Redis stand for two replicas: each sees what the other publishes. */
const url = process.env.EVENTS_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test:subs:${randomUUID()}:`;
const buses: EventBus[] = [];
afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.close()));
});

describe("Redis pub/sub bus", () => {
  it("delivers an event published by one process to listeners in another", async () => {
    const [publisher, listener] = await Promise.all([
      createRedisBus({ url, channelPrefix: prefix }),
      createRedisBus({ url, channelPrefix: prefix }),
    ]);
    buses.push(publisher, listener);
    const stream = eventStream<{ orderId: string }>(listener, ["orders.changed.o1"]);
    // SUBSCRIBE is sent when the first listener arrives; give Redis a moment to register it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await publisher.publish("orders.changed.o2", { orderId: "o2" });
    await publisher.publish("orders.changed.o1", { orderId: "o1" });
    expect((await stream.next()).value).toEqual({ orderId: "o1" });
    await stream.return!();
    expect(listener.listenerCount()).toBe(0);
  });
});
