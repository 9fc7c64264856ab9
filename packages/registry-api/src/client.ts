import type { z } from "zod";
import { endpoints, type Endpoint, type EndpointName, type Endpoints } from "./endpoints.ts";
import { RegistryApiError, isRegistryErrorCode } from "./errors.ts";
import { errorResponse } from "./responses.ts";

/**
 * The one client of the registry's API, one method per endpoint of the table. Answers are typed by
 * their declared schemas, not parsed again (the registry's tests hold it to them); error answers
 * become a RegistryApiError with the registry's code.
 */

export interface RegistryClientOptions {
  url: string;
  token: string;
  /** Per call, unless the call brings its own signal. */
  timeoutMs: number;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Replaces the client's timeout (a long-poll sets its own). */
  signal?: AbortSignal;
}

type InputOf<E> = (E extends { params: z.ZodType } ? { params: z.input<E["params"]> } : unknown) &
  (E extends { query: z.ZodType } ? { query?: z.input<E["query"]> } : unknown) &
  (E extends { body: z.ZodType } ? { body: z.input<E["body"]> } : unknown) &
  CallOptions;

type AnswerOf<E extends Endpoint> = {
  [S in keyof E["responses"] & number]: {
    status: S;
    body: E["responses"][S] extends z.ZodType ? z.output<E["responses"][S]> : undefined;
    headers: Headers;
  };
}[keyof E["responses"] & number];

type Method<E extends Endpoint> =
  CallOptions extends InputOf<E> ? (input?: InputOf<E>) => Promise<AnswerOf<E>> : (input: InputOf<E>) => Promise<AnswerOf<E>>;

export type RegistryClient = { [K in EndpointName]: Method<Endpoints[K]> };

interface RawInput extends CallOptions {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export function createRegistryClient({ url, token, timeoutMs }: RegistryClientOptions): RegistryClient {
  const base = url.replace(/\/+$/, "");

  async function call(endpoint: Endpoint, input: RawInput = {}) {
    const path = endpoint.path.replace(/:([a-z]+)/gi, (_, key: string) => encodeURIComponent(String(input.params?.[key])));
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(input.query ?? {})) if (value !== undefined) query.set(key, String(value));
    let response: Response;
    try {
      response = await fetch(`${base}${path}${query.size ? `?${query}` : ""}`, {
        method: endpoint.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(input.body !== undefined && { "content-type": "application/json" }),
          ...input.headers,
        },
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
        signal: input.signal ?? AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (input.signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why =
        (error as Error).name === "TimeoutError"
          ? `no answer within ${timeoutMs / 1000} s`
          : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new RegistryApiError("REGISTRY_UNREACHABLE", `Cannot reach the registry at ${base}: ${why}.`, undefined);
    }
    const { status, headers } = response;
    const schema = endpoint.responses[status];
    if (schema === null) {
      await response.body?.cancel();
      return { status, body: undefined, headers };
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new RegistryApiError(
        "REGISTRY_BAD_RESPONSE",
        `The registry at ${base} answered ${status} with a body that is not JSON; is that URL the registry?`,
        status,
      );
    }
    if (schema) return { status, body: parsed, headers };
    const error = errorResponse.safeParse(parsed);
    const code = error.success && isRegistryErrorCode(error.data.error.code) ? error.data.error.code : (`HTTP_${status}` as const);
    const message = error.success ? error.data.error.message : `The registry answered ${status} ${response.statusText}.`;
    throw new RegistryApiError(code, message, status, parsed);
  }

  const methods = Object.fromEntries(
    Object.entries(endpoints).map(([name, endpoint]) => [name, (input?: RawInput) => call(endpoint, input)]),
  );
  return methods as unknown as RegistryClient;
}
