import { pino, type Logger } from "pino";

export type { Logger };

/** JSON logs; authorization and cookie headers never reach the log. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.token"], censor: "[redacted]" },
  });
}
