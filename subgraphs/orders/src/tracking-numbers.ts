import { randomBytes } from "node:crypto";

/**
 * A new carrier tracking number: "TRK" and 20 hex digits from node:crypto (80 random bits). Anyone
 * holding one may follow the parcel, so it must not be guessable from the order or from other
 * numbers: never derive one from an id, a counter or the seed.
 */
export const newTrackingNumber = (): string => `TRK${randomBytes(10).toString("hex").toUpperCase()}`;
