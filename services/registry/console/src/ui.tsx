import type { ComponentChildren } from "preact";
import type { Loaded } from "./api.ts";

/** Small building blocks every page uses. */

export function Section({ title, children, testId }: { title: string; children: ComponentChildren; testId?: string }) {
  return (
    <section class="card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** Shows the loading and error states of a read, else its content. */
export function Await<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (state.error)
    return (
      <p class="error" role="alert">
        {state.error.message}
      </p>
    );
  if (!state.data) return <p class="muted">Loading…</p>;
  return <>{children(state.data)}</>;
}

export const Badge = ({ kind, children }: { kind: string; children: ComponentChildren }) => (
  <span class={`badge badge-${kind}`}>{children}</span>
);

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="muted">{children}</p>;
}
