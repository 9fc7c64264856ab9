import { SpanStatusCode, context, trace, type Attributes, type Span } from "@opentelemetry/api";
import { tracingEnabled } from "@store/service-kit";

// The names and tracer @apollo/gateway uses, so traces read the same whichever executor ran.
const tracer = trace.getTracer("@apollo/gateway");

/** Records the error on the span and returns it, for the caller to rethrow. */
function markFailed(span: Span, error: unknown): unknown {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR });
  return error;
}

/**
 * Runs `work` in an active span (so a subgraph call made inside carries it as parent) when this
 * process exports traces; otherwise just runs it: no span objects or context switches per fetch.
 */
export function withSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return work();
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      throw markFailed(span, error);
    } finally {
      span.end();
    }
  });
}

export function withSyncSpan<T>(name: string, attributes: Attributes, work: () => T): T {
  if (!tracingEnabled()) return work();
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    try {
      return work();
    } catch (error) {
      throw markFailed(span, error);
    } finally {
      span.end();
    }
  });
}

/** `fn`, run later, in the span context active now (so a deferred subgraph call keeps its parent span). */
export function bindToActiveContext<F extends (...args: never[]) => unknown>(fn: F): F {
  return tracingEnabled() ? context.bind(context.active(), fn) : fn;
}
