import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ErrorCode } from "@store/wire";
import type { FeatureHooks } from "../feature.ts";

/**
 * CORS allowlist for browsers calling /graphql from other origins. An allowed origin gets the CORS
 * headers (preflights answered here, 204); any other origin gets none, and its preflight a 403 with
 * CORS_REJECTED, so the browser keeps the response from the page. Requests without an Origin header
 * are not CORS requests and pass untouched.
 */
const originPattern = z
  .string()
  .regex(
    /^(\*|https?:\/\/[^/?#\s]+)$/,
    'must be an origin like "https://shop.example.com" (no path), "https://*.example.com", "http://localhost:*" or "*"',
  );

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name");

export const corsSchema = z
  .object({
    /**
     * Origins allowed to call the router. `*` in a host stands for any subdomain, in a port for any
     * port; "*" alone allows every origin (never with credentials). Defaults to the mode:
     * development allows http(s)://localhost, 127.0.0.1 and [::1] on any port; production none.
     */
    origins: z.array(originPattern).optional(),
    methods: z
      .array(z.enum(["GET", "POST"]))
      .min(1)
      .default(["GET", "POST"]),
    /** Request headers a page may send (the CSRF preflight headers and content-type must be among them). */
    allowedHeaders: z
      .array(headerName)
      .default([
        "content-type",
        "authorization",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "apollographql-client-name",
        "apollographql-client-version",
        "x-request-id",
        "graphql-cost",
        "x-api-key",
      ]),
    /** Response headers a page may read. */
    exposedHeaders: z.array(headerName).default(["x-request-id"]),
    /** Allow cookies and HTTP auth on cross-origin requests. */
    credentials: z.boolean().default(false),
    /** Seconds a browser may cache a preflight answer. */
    maxAgeSeconds: z.number().int().min(0).max(86_400).default(600),
  })
  .strict()
  .refine((cors) => !(cors.credentials && cors.origins?.includes("*")), {
    message: 'origins "*" cannot be combined with credentials: true (browsers refuse it)',
    path: ["origins"],
  })
  .prefault({});

export type CorsConfig = z.output<typeof corsSchema>;

const DEVELOPMENT_ORIGINS = ["http://localhost", "http://localhost:*", "https://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"];

/** "https://*.example.com" -> a regex; a `*` matches DNS labels or a port, never a path or another host's suffix. */
function compileOrigin(pattern: string): RegExp | string {
  if (!pattern.includes("*")) return pattern.toLowerCase();
  const source = pattern
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join("[a-z0-9-]+(?:\\.[a-z0-9-]+)*");
  return new RegExp(`^${source}$`);
}

export function createOriginCheck(patterns: readonly string[]): (origin: string) => boolean {
  if (patterns.includes("*")) return () => true;
  const exact = new Set<string>();
  const wildcards: RegExp[] = [];
  for (const pattern of patterns) {
    const compiled = compileOrigin(pattern);
    if (typeof compiled === "string") exact.add(compiled);
    else wildcards.push(compiled);
  }
  return (origin) => {
    const lower = origin.toLowerCase();
    return exact.has(lower) || wildcards.some((regex) => regex.test(lower));
  };
}

function reject(res: ServerResponse, message: string): true {
  const body = JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.CORS_REJECTED } }] });
  res.writeHead(403, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) }).end(body);
  return true;
}

export function createCorsHooks(config: CorsConfig, production: boolean): FeatureHooks {
  const origins = config.origins ?? (production ? [] : DEVELOPMENT_ORIGINS);
  const allowed = createOriginCheck(origins);
  const anyOrigin = origins.includes("*");
  const methods = new Set<string>(config.methods);
  const allowedHeaders = new Set(config.allowedHeaders.map((h) => h.toLowerCase()));
  const preflightHeaders = {
    "access-control-allow-methods": config.methods.join(", "),
    "access-control-allow-headers": [...allowedHeaders].join(", "),
    "access-control-max-age": String(config.maxAgeSeconds),
  };
  const exposed = config.exposedHeaders.join(", ");

  function allowOrigin(res: ServerResponse, origin: string) {
    res.setHeader("access-control-allow-origin", anyOrigin ? "*" : origin);
    if (config.credentials) res.setHeader("access-control-allow-credentials", "true");
  }

  return {
    request(req: IncomingMessage, res: ServerResponse) {
      const origin = req.headers.origin;
      if (origin === undefined) return false;
      // The answer depends on the Origin: caches must keep one copy per origin.
      if (!anyOrigin) res.setHeader("vary", "Origin");
      const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
      if (!allowed(origin)) return preflight ? reject(res, `Origin ${origin} is not allowed to call this API.`) : false;
      if (!preflight) {
        allowOrigin(res, origin);
        if (exposed) res.setHeader("access-control-expose-headers", exposed);
        return false;
      }
      const method = String(req.headers["access-control-request-method"]).toUpperCase();
      if (!methods.has(method)) return reject(res, `Method ${method} is not allowed; allowed: ${config.methods.join(", ")}.`);
      const requested = String(req.headers["access-control-request-headers"] ?? "")
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      const refused = requested.filter((h) => !allowedHeaders.has(h));
      if (refused.length)
        return reject(
          res,
          `Header${refused.length > 1 ? "s" : ""} ${refused.join(", ")} not allowed; allowed: ${[...allowedHeaders].join(", ")}.`,
        );
      allowOrigin(res, origin);
      res.writeHead(204, preflightHeaders).end();
      return true;
    },
  };
}
