import type { ApolloServerPlugin, GraphQLRequestListener, HeaderMap } from "@apollo/server";
import Negotiator from "negotiator";
import type { GraphQLError } from "graphql";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks } from "../feature.ts";

/**
 * The status codes of the GraphQL over HTTP spec for request errors: a client that accepts
 * `application/graphql-response+json` gets 4xx for a document that does not parse or validate, or
 * variables that do not coerce (Apollo Server's 400); one answered in `application/json` gets 200, as
 * the spec recommends for that media type, with the same errors and codes in `extensions.code`.
 */

const APPLICATION_JSON = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8";
const JSONP = "application/json; callbackSpec=1.0; charset=utf-8";

/** Whether Apollo Server answers this request in plain application/json (its own negotiation: no Accept is JSON). */
export function answersInPlainJson(headers: HeaderMap): boolean {
  const accept = headers.get("accept");
  if (!accept) return true;
  return new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, JSONP]) === APPLICATION_JSON;
}

/**
 * Errors of the request itself that the spec answers 200 under application/json: Apollo's parse and
 * validation errors, and its variable-coercion errors (UserInputError, BAD_USER_INPUT). The router's own
 * refusals (limits, cost, NUL bytes, persisted-operation rules) keep their status.
 */
function isRequestError(error: GraphQLError): boolean {
  const code = error.extensions?.code;
  if (code === "GRAPHQL_PARSE_FAILED" || code === "GRAPHQL_VALIDATION_FAILED") return true;
  return code === "BAD_USER_INPUT" && error.name === "UserInputError";
}

export function createGraphQLOverHttpHooks(): FeatureHooks {
  const listener: GraphQLRequestListener<RouterContext> = {
    async willSendResponse({ request, response, errors }) {
      if (response.http.status !== 400 || response.body.kind !== "single" || !errors?.length) return;
      if (!errors.every(isRequestError) || !request.http || !answersInPlainJson(request.http.headers)) return;
      response.http.status = 200;
    },
  };
  // One listener for every request: nothing is allocated per request.
  const plugin: ApolloServerPlugin<RouterContext> = { requestDidStart: async () => listener };
  return { operation: [plugin] };
}
