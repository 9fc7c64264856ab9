export type { EventBus, EventListener } from "./bus.ts";
export { createMemoryBus } from "./memory-bus.ts";
export { createRedisBus, type RedisBusOptions } from "./redis-bus.ts";
export { eventStream, type EventStreamOptions } from "./event-stream.ts";
export { EVENTS_CHANNEL_PREFIX_VARIABLE, EVENTS_REDIS_URL_VARIABLE, openEventBus, sharedMemoryBus } from "./open.ts";
export { Topics, type OrderStatusChangedEvent, type StockChangedEvent } from "./topics.ts";
