import type { TrackingEvent as TrackingEventRow } from "../data/shipments.ts";

export const TrackingEvent = {
  occurredAt: (event: TrackingEventRow) => event.occurredAt.toISOString(),
};
