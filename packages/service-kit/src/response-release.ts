import type { BaseContext, GraphQLRequestContext } from "@apollo/server";
import type { RequestRecord } from "./request-observation.ts";

/** Apollo's response object for one operation, as its request context holds it. */
export type OperationResponse = GraphQLRequestContext<BaseContext>["response"];

/**
 * Lets a request's GraphQL result go as soon as it has been written.
 *
 * Apollo Server builds a hidden class per request for some of its objects (in gateway mode, an
 * object literal whose getter and setter close over the request context; and spread copies of the
 * context given one more property). Hidden classes live in V8's old generation, and a scavenge
 * cannot tell a dead one from a live one, so until the next full collection everything those
 * closures reach counts as alive: the request context, and through its response the whole result.
 * Each result was therefore copied into the old generation (about 30 KB a request on the
 * benchmark's workload 1) and collected there, which drove a major collection every second or so.
 * Emptying the response once it has been sent leaves those closures holding a few small objects.
 */
export function holdForRelease(record: RequestRecord, response: OperationResponse): void {
  // One per operation: a batched HTTP request carries several.
  (record.sentResponses ??= []).push(response);
}

/** Called once the HTTP response has been written: nothing reads the GraphQL responses after that. */
export function releaseSentResponses(record: RequestRecord): void {
  const responses = record.sentResponses;
  if (responses === undefined) return;
  for (const response of responses) response.body = undefined;
  record.sentResponses = undefined;
}
