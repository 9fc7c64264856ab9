import type { EventBus } from "./bus.ts";

export interface EventStreamOptions<T> {
  /** Keeps only the events this subscriber wants (an order's id, a product in a list). */
  filter?: (payload: T) => boolean;
  /** Events held for a slow consumer; past it the oldest is dropped (default 100). */
  maxBuffered?: number;
}

/**
 * The events of `topics` as an async iterator, the shape GraphQL subscription resolvers return.
 * Returning (or throwing into) the iterator stops listening, so a closed subscription frees its listener.
 */
export function eventStream<T>(
  bus: EventBus,
  topics: readonly string[],
  { filter, maxBuffered = 100 }: EventStreamOptions<T> = {},
): AsyncIterableIterator<T> {
  const buffered: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let done = false;
  const stops = topics.map((topic) =>
    bus.listen(topic, (payload) => {
      const event = payload as T;
      if (done || (filter && !filter(event))) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: event, done: false });
      } else {
        buffered.push(event);
        if (buffered.length > maxBuffered) buffered.shift();
      }
    }),
  );
  const finish = (): IteratorResult<T> => {
    if (!done) {
      done = true;
      for (const stop of stops) stop();
      buffered.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
    }
    return { value: undefined, done: true };
  };
  return {
    next() {
      if (buffered.length) return Promise.resolve({ value: buffered.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: () => Promise.resolve(finish()),
    throw: (error?: unknown) => {
      finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
