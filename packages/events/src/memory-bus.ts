import type { EventBus, EventListener } from "./bus.ts";

/** Listeners by topic, shared by the Redis bus for its local fan-out. */
export class TopicListeners {
  private readonly byTopic = new Map<string, Set<EventListener>>();

  /** Adds a listener; `onFirst` runs when the topic gets its first one, `onLast` when its last leaves. */
  add(topic: string, listener: EventListener, onFirst?: () => void, onLast?: () => void): () => void {
    let set = this.byTopic.get(topic);
    if (!set) {
      this.byTopic.set(topic, (set = new Set()));
      onFirst?.();
    }
    // A wrapper per call, so the same function listening twice is removed once per unsubscribe.
    const entry: EventListener = (payload) => listener(payload);
    set.add(entry);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      set.delete(entry);
      if (set.size === 0 && this.byTopic.get(topic) === set) {
        this.byTopic.delete(topic);
        onLast?.();
      }
    };
  }

  emit(topic: string, payload: unknown): void {
    const set = this.byTopic.get(topic);
    if (!set) return;
    for (const listener of [...set]) {
      // One listener failing must not keep the event from the others.
      try {
        listener(payload);
      } catch {
        /* the listener reports its own failures */
      }
    }
  }

  count(): number {
    let total = 0;
    for (const set of this.byTopic.values()) total += set.size;
    return total;
  }
}

/** In-process bus: the default for the embedded stack, where every service runs in one process. */
export function createMemoryBus(): EventBus {
  const listeners = new TopicListeners();
  return {
    kind: "memory",
    async publish(topic, payload) {
      // A copy, as a broker would deliver: a listener never shares an object with the publisher.
      const copy = JSON.parse(JSON.stringify(payload)) as unknown;
      queueMicrotask(() => listeners.emit(topic, copy));
    },
    listen: (topic, listener) => listeners.add(topic, listener),
    listenerCount: () => listeners.count(),
    async close() {},
  };
}
