import { CLAIMS_HEADER, ErrorCode, codedError, relayedCodedError, type RequestSigner } from "@store/wire";

/**
 * A small GraphQL client for service-to-service calls (orders -> inventory, reviews -> accounts).
 * Global fetch keeps connections alive. Coded errors from the callee keep their code, so a client of
 * the caller sees INSUFFICIENT_STOCK rather than a generic failure; anything else becomes
 * SERVICE_UNAVAILABLE naming the callee.
 */
export interface SubgraphClient {
  /** `claims`: the router's signed claims of the request being served (forwardableClaims), sent unchanged. */
  request<T>(query: string, variables?: Record<string, unknown>, claims?: Record<string, string>): Promise<T>;
  /** Resolves entities by id through the callee's `_entities` field; null where it has none. */
  entities<T>(typename: string, ids: readonly string[], selection: string, claims?: Record<string, string>): Promise<(T | null)[]>;
}

export interface SubgraphClientOptions {
  /** Service name, used in error messages. */
  name: string;
  url: string;
  timeoutMs?: number;
  /** Extra headers on every call. */
  headers?: Record<string, string>;
  /** Signs every call with the calling service's own credential (loadServiceSigners). */
  signer?: RequestSigner;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export function createSubgraphClient({ name, url, timeoutMs = 5000, headers = {}, signer }: SubgraphClientOptions): SubgraphClient {
  const unavailable = (reason: string) =>
    codedError(ErrorCode.SERVICE_UNAVAILABLE, `The ${name} service could not be reached: ${reason}`, { service: name });

  async function request<T>(query: string, variables: Record<string, unknown> = {}, claims: Record<string, string> = {}): Promise<T> {
    let response: Response;
    const body = JSON.stringify({ query, variables });
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers, ...claims, ...signer?.(body, claims[CLAIMS_HEADER]) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw unavailable((error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (error as Error).message);
    }
    let answer: GraphQLResponse<T>;
    try {
      answer = (await response.json()) as GraphQLResponse<T>;
    } catch {
      throw unavailable(`HTTP ${response.status} with a body that is not JSON`);
    }
    const first = answer.errors?.[0];
    if (first) {
      const code = first.extensions?.code;
      // The callee refusing this service's credentials is this service's misconfiguration, not the client's.
      if (code === ErrorCode.UNAUTHENTICATED && response.status === 401)
        throw unavailable(`it refused this service's credentials (${first.message})`);
      if (typeof code === "string" && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
        throw relayedCodedError(first.message, { ...first.extensions, code });
      }
      throw unavailable(first.message);
    }
    if (!answer.data) throw unavailable(`HTTP ${response.status} without data`);
    return answer.data;
  }

  return {
    request,
    async entities<T>(typename: string, ids: readonly string[], selection: string, claims?: Record<string, string>) {
      if (ids.length === 0) return [];
      const data = await request<{ _entities: (T | null)[] }>(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${selection} } } }`,
        { representations: ids.map((id) => ({ __typename: typename, id })) },
        claims,
      );
      return data._entities;
    },
  };
}

/**
 * One client per upstream a service calls, all with the service's one upstream timeout and each
 * signed with that service's credential for the callee (the same rule in every subgraph).
 */
export function createUpstreamClients<Name extends string>(
  urls: Record<Name, string>,
  { timeoutMs, signers = {} }: { timeoutMs: number; signers?: Partial<Record<Name, RequestSigner>> },
): Record<Name, SubgraphClient> {
  const entries = (Object.keys(urls) as Name[]).map((name) => [
    name,
    createSubgraphClient({ name, url: urls[name], timeoutMs, signer: signers[name] }),
  ]);
  return Object.fromEntries(entries) as Record<Name, SubgraphClient>;
}
