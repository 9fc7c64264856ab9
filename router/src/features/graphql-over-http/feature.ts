import { defineFeature } from "../feature.ts";
import { createGraphQLOverHttpHooks } from "./status.ts";

/** The GraphQL over HTTP spec's status codes: 200 for request errors under application/json, 4xx under application/graphql-response+json. */
export const graphqlOverHttpFeature = defineFeature({
  name: "graphqlOverHttp",
  create: () => createGraphQLOverHttpHooks(),
});
