import { createHash } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { RouterContext } from "../../context.ts";
import type { CacheHints } from "../entity-cache/hints.ts";

/** The Cache-Control value of a GET response: public only for data every caller sees alike. */
export function cacheControlOf(policy: { maxAgeMs: number; private: boolean } | undefined, signedIn: boolean): string {
  const maxAge = Math.floor((policy?.maxAgeMs ?? 0) / 1000);
  if (!policy || maxAge <= 0) return "no-store";
  return `${policy.private || signedIn ? "private" : "public"}, max-age=${maxAge}`;
}

const etagOf = (body: string) => `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch === "*" || ifNoneMatch.split(",").some((candidate) => candidate.trim() === etag);
}

/** Sets Cache-Control and ETag on GET query responses, and answers 304 when the client already holds that response. */
export function httpCachePlugin(hints: () => CacheHints | undefined): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart({ request }) {
      if (request.http?.method !== "GET") return;
      return {
        async willSendResponse({ response, operation, source, contextValue }) {
          if (response.body.kind !== "single") return;
          const headers = response.http.headers;
          const result = response.body.singleResult;
          if (!operation || operation.operation !== "query" || result.errors?.length || !source) {
            headers.set("cache-control", "no-store");
            return;
          }
          headers.set("cache-control", cacheControlOf(hints()?.policyOf(source).root, contextValue.caller !== null));
          headers.set("vary", "authorization");
          const etag = etagOf(JSON.stringify(result));
          headers.set("etag", etag);
          const ifNoneMatch = contextValue.clientHeaders["if-none-match"];
          if (matches(Array.isArray(ifNoneMatch) ? ifNoneMatch.join(",") : ifNoneMatch, etag)) response.http.status = 304;
        },
      };
    },
  };
}
