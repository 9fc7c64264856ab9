/** A GraphQL client for end-to-end tests: real HTTP, the raw status and body for assertions. */
export interface GraphQLResult<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }>;
  headers: Headers;
}

export async function graphql<T = any>(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: GraphQLResult["errors"] };
  return { status: response.status, data: body.data ?? undefined, errors: body.errors, headers: response.headers };
}

/** Reads one counter from a service's Prometheus /metrics page. */
export async function readCounter(graphqlUrl: string, metric: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"))).text();
  const line = text.split("\n").find((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

/** Prisma reports statements a little after the response; give it a moment before reading. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
