import { GraphQLError } from "graphql";
import { ErrorCode, codedError } from "./errors.ts";

/**
 * A small GraphQL client for service-to-service calls (orders -> inventory, reviews -> accounts).
 * Global fetch keeps connections alive. Coded errors from the callee keep their code, so a client of
 * the caller sees INSUFFICIENT_STOCK rather than a generic failure; anything else becomes
 * SERVICE_UNAVAILABLE naming the callee.
 */
export interface SubgraphClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Resolves entities by id through the callee's `_entities` field; null where it has none. */
  entities<T>(typename: string, ids: readonly string[], selection: string): Promise<(T | null)[]>;
}

export interface SubgraphClientOptions {
  /** Service name, used in error messages. */
  name: string;
  url: string;
  timeoutMs?: number;
  /** Extra headers on every call (service credentials). */
  headers?: Record<string, string>;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export function createSubgraphClient({ name, url, timeoutMs = 5000, headers = {} }: SubgraphClientOptions): SubgraphClient {
  const unavailable = (reason: string) =>
    codedError(ErrorCode.SERVICE_UNAVAILABLE, `The ${name} service could not be reached: ${reason}`, { service: name });

  async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw unavailable((error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (error as Error).message);
    }
    let body: GraphQLResponse<T>;
    try {
      body = (await response.json()) as GraphQLResponse<T>;
    } catch {
      throw unavailable(`HTTP ${response.status} with a body that is not JSON`);
    }
    const first = body.errors?.[0];
    if (first) {
      const code = first.extensions?.code;
      if (typeof code === "string" && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
        throw new GraphQLError(first.message, { extensions: { ...first.extensions, code } });
      }
      throw unavailable(first.message);
    }
    if (!body.data) throw unavailable(`HTTP ${response.status} without data`);
    return body.data;
  }

  return {
    request,
    async entities<T>(typename: string, ids: readonly string[], selection: string) {
      if (ids.length === 0) return [];
      const data = await request<{ _entities: (T | null)[] }>(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${selection} } } }`,
        { representations: ids.map((id) => ({ __typename: typename, id })) },
      );
      return data._entities;
    },
  };
}
