import { isDeepStrictEqual } from "node:util";
import { afterAll, expect } from "vitest";
import {
  anyEndpointErrors,
  endpoints,
  errorResponse,
  isRegistryErrorCode,
  matchEndpoint,
  registryErrorStatus,
  type Endpoint,
} from "@store/registry-api";

/**
 * Holds the registry to its contract: every answer a test file's requests get from the API must
 * parse with the schema @store/registry-api declares for its endpoint and status, declaring every
 * field it holds, and every error
 * must carry a code the endpoint declares, with that code's status. Call once at a test file's top.
 */

interface Answer {
  method: string;
  pathname: string;
  status: number;
  text: string;
}

export function checkAnswersAgainstContract() {
  const answers: Answer[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request?.url ?? String(input));
    if (url.pathname.startsWith("/v1/")) {
      answers.push({
        method: init?.method ?? request?.method ?? "GET",
        pathname: url.pathname,
        status: response.status,
        text: await response.clone().text(),
      });
    }
    return response;
  };

  afterAll(() => {
    globalThis.fetch = realFetch;
    expect(answers.length).toBeGreaterThan(0);
    expect(
      answers.flatMap((answer) => problemsOf(answer).map((problem) => `${answer.method} ${answer.pathname} ${answer.status}: ${problem}`)),
    ).toEqual([]);
  });
}

function problemsOf({ method, pathname, status, text }: Answer): string[] {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    return ["the body is not JSON"];
  }
  const match = matchEndpoint(method, pathname);
  const endpoint: Endpoint | undefined = match && endpoints[match.name];
  const schema = endpoint?.responses[status];
  if (schema === null) return text ? ["a body on a status declared without one"] : [];
  if (schema) {
    const parsed = schema.safeParse(body);
    if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    return isDeepStrictEqual(parsed.data, body) ? [] : ["it holds fields the schema does not declare"];
  }
  const error = errorResponse.safeParse(body);
  if (!error.success) return ["not a declared answer nor an error answer"];
  // A method the path does not have (405) belongs to no endpoint: only its shape is checked.
  if (!match || !endpoint) return [];
  const { code } = error.data.error;
  if (!isRegistryErrorCode(code) || ![...endpoint.errors, ...anyEndpointErrors].includes(code))
    return [`error code ${code} is not declared for ${match.name}`];
  return registryErrorStatus[code] === status ? [] : [`error code ${code} comes with status ${registryErrorStatus[code]}, not ${status}`];
}
