import { describe, expect, it } from "vitest";
import { createMemoryBus, eventStream } from "@store/events";

describe("eventStream over the in-process bus", () => {
  it("yields the events of its topics in order, not those of others", async () => {
    const bus = createMemoryBus();
    const stream = eventStream<{ n: number }>(bus, ["a", "b"]);
    await bus.publish("a", { n: 1 });
    await bus.publish("c", { n: 99 });
    await bus.publish("b", { n: 2 });
    expect((await stream.next()).value).toEqual({ n: 1 });
    expect((await stream.next()).value).toEqual({ n: 2 });
    await stream.return!();
  });

  it("delivers a copy, never the publisher's object", async () => {
    const bus = createMemoryBus();
    const stream = eventStream<{ list: number[] }>(bus, ["a"]);
    const payload = { list: [1] };
    await bus.publish("a", payload);
    payload.list.push(2);
    expect((await stream.next()).value).toEqual({ list: [1] });
    await stream.return!();
  });

  it("stops listening when the consumer returns, so a closed subscription frees its listeners", async () => {
    const bus = createMemoryBus();
    const stream = eventStream(bus, ["a", "b"]);
    expect(bus.listenerCount()).toBe(2);
    const pending = stream.next();
    await stream.return!();
    expect(bus.listenerCount()).toBe(0);
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it("drops the oldest events past maxBuffered for a consumer that does not read", async () => {
    const bus = createMemoryBus();
    const stream = eventStream<number>(bus, ["a"], { maxBuffered: 2 });
    for (const n of [1, 2, 3]) await bus.publish("a", n);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await stream.next()).value).toBe(2);
    expect((await stream.next()).value).toBe(3);
    await stream.return!();
  });
});
