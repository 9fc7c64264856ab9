import type { EventBus } from "./bus.ts";
import { createMemoryBus } from "./memory-bus.ts";
import { createRedisBus } from "./redis-bus.ts";

/** Env variable naming the broker: a redis:// URL; unset means the in-process bus. */
export const EVENTS_REDIS_URL_VARIABLE = "EVENTS_REDIS_URL";
/** Env variable for the channel prefix (default "store:events:"). */
export const EVENTS_CHANNEL_PREFIX_VARIABLE = "EVENTS_CHANNEL_PREFIX";

/** The bus the environment asks for. */
export function openEventBus(env: NodeJS.ProcessEnv, onError?: (error: Error) => void): Promise<EventBus> {
  const url = env[EVENTS_REDIS_URL_VARIABLE];
  if (!url) return Promise.resolve(sharedMemoryBus());
  return createRedisBus({ url, channelPrefix: env[EVENTS_CHANNEL_PREFIX_VARIABLE] || undefined, onError });
}

let memory: EventBus | undefined;
/** One in-process bus per process: the embedded stack's services run side by side and must meet on it. */
export function sharedMemoryBus(): EventBus {
  return (memory ??= { ...createMemoryBus(), close: async () => {} });
}
