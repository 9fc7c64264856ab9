/** A GraphQL client for end-to-end tests: real HTTP, the raw status and body for assertions. */
export interface GraphQLResult<T = any> {
  status: number;
  /** null when execution failed at a non-null root field; undefined when it never started. */
  data?: T | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }>;
  headers: Headers;
}

export async function graphql<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: GraphQLResult["errors"] };
  return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
}

/**
 * Reads a counter from a service's Prometheus /metrics page, summed over all its label sets, or over
 * those carrying every label in `labels`.
 */
export async function readCounter(graphqlUrl: string, metric: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"))).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `))
    .filter((l) =>
      wanted.every((pair) =>
        l
          .slice(0, l.lastIndexOf(" "))
          .match(/\{(.*)\}/)?.[1]
          ?.split(",")
          .includes(pair),
      ),
    )
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

/** Prisma reports statements a little after the response; give it a moment before reading. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
