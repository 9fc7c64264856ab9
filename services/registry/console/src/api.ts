import { useEffect, useState } from "preact/hooks";

/** The registry API as the console reads it: same origin, the token the person signed in with. */

const TOKEN_KEY = "registry-console-token";

/** Kept for this tab only: closing it signs out. */
export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The page is served at <base>/console, so the API is <base>/v1/... */
const apiBase = () => location.pathname.replace(/\/console\/?$/, "");

export async function get<T>(path: string, bearer = token.get()): Promise<T> {
  const response = await fetch(`${apiBase()}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw new ApiError(
      response.status,
      body?.error?.code ?? "UNKNOWN",
      body?.error?.message ?? `The registry answered ${response.status}.`,
    );
  }
  return body as T;
}

export type Loaded<T> = { data?: T; error?: ApiError | Error; loading: boolean };

/** GETs `path` (again whenever it changes); null skips. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: path !== null });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    get<T>(path).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return state;
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—");
