import { pino, type DestinationStream, type Logger } from "pino";
import { currentRequest } from "./request-observation.ts";
import { activeSpanContext } from "./tracing.ts";

export type { Logger };

/** Headers and fields that must never reach a log line, wherever they are nested. */
const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
  "*.password",
  "*.token",
];

/**
 * JSON logs. Every line written while serving a request carries its request id and, when tracing is
 * on, its trace and span ids, so a log search and a trace view find each other.
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name: service,
      level,
      redact: { paths: REDACT, censor: "[redacted]" },
      mixin() {
        const record = currentRequest();
        const span = activeSpanContext();
        if (!record && !span) return {};
        return { requestId: record?.requestId, traceId: span?.traceId, spanId: span?.spanId };
      },
    },
    destination,
  );
}
