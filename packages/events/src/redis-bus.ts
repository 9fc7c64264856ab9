import type { Redis as RedisClient } from "ioredis";
import type { EventBus } from "./bus.ts";
import { TopicListeners } from "./memory-bus.ts";

export interface RedisBusOptions {
  url: string;
  /** Prefix of every channel, so several stacks can share one Redis (default "store:events:"). */
  channelPrefix?: string;
  onError?: (error: Error) => void;
}

/**
 * Redis pub/sub: one connection publishes, one listens; the listening one subscribes to a channel
 * while this process has a listener for its topic and fans events out locally. ioredis reconnects
 * and subscribes again by itself after Redis restarts (events published meanwhile are missed).
 */
export async function createRedisBus({ url, channelPrefix = "store:events:", onError }: RedisBusOptions): Promise<EventBus> {
  const { Redis } = await import("ioredis");
  const options = { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000) };
  const publisher: RedisClient = new Redis(url, options);
  const subscriber: RedisClient = new Redis(url, { ...options, autoResubscribe: true });
  for (const client of [publisher, subscriber]) client.on("error", (error: Error) => onError?.(error));
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const listeners = new TopicListeners();
  subscriber.on("message", (channel: string, message: string) => {
    if (!channel.startsWith(channelPrefix)) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      onError?.(new Error(`event on ${channel} is not JSON`));
      return;
    }
    listeners.emit(channel.slice(channelPrefix.length), payload);
  });
  const report = (error: unknown) => onError?.(error as Error);
  return {
    kind: "redis",
    async publish(topic, payload) {
      await publisher.publish(channelPrefix + topic, JSON.stringify(payload));
    },
    listen: (topic, listener) =>
      listeners.add(
        topic,
        listener,
        () => void subscriber.subscribe(channelPrefix + topic).catch(report),
        () => void subscriber.unsubscribe(channelPrefix + topic).catch(report),
      ),
    listenerCount: () => listeners.count(),
    async close() {
      await Promise.all([publisher.quit().catch(() => publisher.disconnect()), subscriber.quit().catch(() => subscriber.disconnect())]);
    },
  };
}
