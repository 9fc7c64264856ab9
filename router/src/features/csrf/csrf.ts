import type { ApolloServerOptions } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import { z } from "zod";
import { ErrorCode } from "@store/wire";

/**
 * CSRF prevention, enforced by Apollo Server's own `csrfPrevention` (it runs inside
 * executeHTTPGraphQLRequest, so it applies behind our HTTP door): a GET, or a POST whose content type
 * a plain HTML form or `fetch` without a preflight could send (text/plain, form encodings, none),
 * must carry one of `requiredHeaders`; otherwise it is refused before any operation runs. A header
 * like that forces a CORS preflight, which only allowed origins pass.
 */
export const csrfSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Any one of these, non-empty, marks a request as not cross-site (Apollo's recommended pair by default). */
    requiredHeaders: z
      .array(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name"))
      .min(1)
      .default(["x-apollo-operation-name", "apollo-require-preflight"]),
  })
  .strict()
  .prefault({});

export type CsrfConfig = z.output<typeof csrfSchema>;

/** The ApolloServer option for this config. */
export function csrfPreventionOption(config: CsrfConfig): NonNullable<ApolloServerOptions<never>["csrfPrevention"]> {
  return config.enabled ? { requestHeaders: config.requiredHeaders.map((h) => h.toLowerCase()) } : false;
}

// Apollo reports the refusal as a plain BAD_REQUEST; its message (stable since Apollo Server 4, and
// pinned by our tests) is what tells it apart.
const APOLLO_CSRF_MESSAGE = "This operation has been blocked as a potential Cross-Site Request Forgery";

/** Wraps formatError so that a CSRF refusal carries its own stable code, CSRF_PREVENTED (HTTP 400 stays). */
export function withCsrfCode<E>(format: (formatted: GraphQLFormattedError, error: E) => GraphQLFormattedError) {
  return (formatted: GraphQLFormattedError, error: E): GraphQLFormattedError => {
    if (formatted.extensions?.code === ErrorCode.BAD_REQUEST && formatted.message.startsWith(APOLLO_CSRF_MESSAGE)) {
      return { message: formatted.message.trim(), extensions: { code: ErrorCode.CSRF_PREVENTED } };
    }
    return format(formatted, error);
  };
}
