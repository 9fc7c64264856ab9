import { DiagLogLevel, SpanKind, context, diag, isSpanContextValid, propagation, trace, type SpanContext } from "@opentelemetry/api";
import type { Logger } from "pino";
import { redactUrl } from "./database.ts";

/**
 * OpenTelemetry tracing for one service process, exported over OTLP/HTTP (JSON). Off unless an
 * endpoint is configured; then the SDK is not even loaded and every span call is skipped.
 *
 * Nothing here monkey-patches modules, so import order does not matter: outgoing HTTP is traced
 * through undici's diagnostics channels (the router's own undici and Node's global fetch both
 * publish to them, and the instrumentation injects the W3C `traceparent` header), Prisma through
 * the global helper its client looks up per query, incoming requests by our HTTP handler, and
 * @apollo/gateway through the global tracer provider it already uses.
 */
export interface TracingSettings {
  /** Base URL of an OTLP/HTTP collector, as in OTEL_EXPORTER_OTLP_ENDPOINT; `/v1/traces` is appended. */
  endpoint?: string;
  /** Share of new traces sampled (0..1); a request that arrives with a sampled parent is always traced. */
  sampleRatio: number;
  /** Milliseconds between two exports of finished spans. */
  scheduleDelayMs: number;
}

export interface Tracing {
  enabled: boolean;
  /** Exports what is buffered, then stops; call it after the server has drained. */
  shutdown(): Promise<void>;
}

export const TRACER_NAME = "@store/service-kit";
export const tracer = trace.getTracer(TRACER_NAME);

let active = false;

/** Whether this process exports spans; code on the hot path checks it before making any. */
export function tracingEnabled(): boolean {
  return active;
}

export function tracesUrl(endpoint: string): string {
  return new URL("v1/traces", endpoint.endsWith("/") ? endpoint : `${endpoint}/`).toString();
}

/** Registers the tracer provider, propagator and instrumentations for this process. */
export async function startTracing(serviceName: string, settings: TracingSettings, logger?: Logger): Promise<Tracing> {
  if (!settings.endpoint) return { enabled: false, shutdown: async () => undefined };
  const [
    { OTLPTraceExporter },
    { registerInstrumentations },
    { UndiciInstrumentation },
    { resourceFromAttributes },
    sdk,
    { ATTR_SERVICE_NAME },
    { PrismaInstrumentation },
  ] = await Promise.all([
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/instrumentation"),
    import("@opentelemetry/instrumentation-undici"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/semantic-conventions"),
    import("@prisma/instrumentation"),
  ]);
  const { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, SamplingDecision, TraceIdRatioBasedSampler } = sdk;
  if (logger) routeDiagnostics(logger);
  const ratio = new TraceIdRatioBasedSampler(settings.sampleRatio);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    // Only a served request starts a trace: migrations, seeding and pool connects at start would
    // otherwise each export a trace of their own.
    sampler: new ParentBasedSampler({
      root: {
        shouldSample: (parent, traceId, _name, kind) =>
          kind === SpanKind.SERVER ? ratio.shouldSample(parent, traceId) : { decision: SamplingDecision.NOT_RECORD },
        toString: () => `RequestsOnly(${ratio.toString()})`,
      },
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(settings.endpoint) }), {
        scheduledDelayMillis: settings.scheduleDelayMs,
      }),
    ],
  });
  // Async-local context manager and the W3C trace-context propagator.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Only calls made while serving a traced request: no orphan spans from background work.
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // One span per Prisma call and one per SQL statement; the serialize step is noise.
      new PrismaInstrumentation({ ignoreSpanTypes: ["prisma:client:serialize"] }),
    ],
  });
  active = true;
  logger?.info({ endpoint: redactUrl(tracesUrl(settings.endpoint)), sampleRatio: settings.sampleRatio }, "tracing on");
  return {
    enabled: true,
    async shutdown() {
      active = false;
      unregister();
      await provider.shutdown().catch((error: Error) => logger?.warn({ err: error }, "tracing: final export failed"));
      // Unregistered, so tracing can start again in the same process (tests).
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** The span context of the current async context, when it belongs to a real (exported) trace. */
export function activeSpanContext(): SpanContext | undefined {
  if (!active) return undefined;
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** Export failures go to the service log, at most once a minute, instead of vanishing. */
function routeDiagnostics(logger: Logger): void {
  let lastWarning = 0;
  const warn = (message: string, ...args: unknown[]) => {
    const now = Date.now();
    if (now - lastWarning < 60_000) return;
    lastWarning = now;
    logger.warn({ detail: args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ") }, `tracing: ${message}`);
  };
  const ignore = () => undefined;
  diag.setLogger(
    { error: warn, warn, info: ignore, debug: ignore, verbose: ignore },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}
