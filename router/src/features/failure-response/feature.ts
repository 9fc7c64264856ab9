import { SubgraphFailure } from "../../subgraph-call/failure.ts";
import { defineFeature } from "../feature.ts";
import { failureResponse } from "./failure-response.ts";

/** A failed fetch answered as GraphQL errors where its data is missing, so the rest of the response stays. */
export const failureResponseFeature = defineFeature({
  name: "failureResponse",
  // Outermost: every other subgraphCall wrapper runs inside it.
  before: ["authentication", "subgraphSigning", "headers", "traffic"],
  create: (_settings, { logger }) => ({
    subgraphCall:
      (next, { name: subgraph }) =>
      async (call) => {
        try {
          return await next(call);
        } catch (error) {
          if (!(error instanceof SubgraphFailure)) throw error;
          if (error.kind !== "circuit-open")
            logger.warn(
              { requestId: call.context?.requestId, subgraph, reason: error.kind, detail: error.detail },
              "subgraph fetch failed",
            );
          return failureResponse(error, call.options);
        }
      },
  }),
});
