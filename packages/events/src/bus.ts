/**
 * The events services publish (an order changed state, a product's stock changed) and the
 * subscription resolvers that follow them. Delivery is live only: a listener sees the events
 * published while it listens, nothing from before (a subscriber that reconnects sees a gap).
 */
export type EventListener = (payload: unknown) => void;

export interface EventBus {
  /** "memory" (this process only) or "redis" (every process on the same Redis). */
  readonly kind: "memory" | "redis";
  /** Sends `payload` (JSON-serializable) to every listener of `topic`, in this process and, for Redis, in every other. */
  publish(topic: string, payload: unknown): Promise<void>;
  /** Calls `listener` for each event on `topic` until the returned function is called. */
  listen(topic: string, listener: EventListener): () => void;
  /** Topics with at least one listener in this process (a gauge for freed subscriptions). */
  listenerCount(): number;
  close(): Promise<void>;
}
