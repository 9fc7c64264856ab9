import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ownerOf, sha256, type Principal, type RegistryConfig } from "./config.ts";
import { RegistryError } from "./errors.ts";

/**
 * Bearer tokens: each request's token is hashed and compared with every known hash in constant
 * time, so neither the token nor how much of it matched leaks through timing or logs.
 */
export function authenticate(config: Pick<RegistryConfig, "tokens">, headers: IncomingHttpHeaders): Principal {
  const header = headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new RegistryError("UNAUTHENTICATED", "Send a registry token as `Authorization: Bearer <token>`.");
  const presented = sha256(match[1]!);
  let found: Principal | undefined;
  // No early exit: every request does the same work whichever entry matches.
  for (const entry of config.tokens) {
    if (timingSafeEqual(entry.sha256, presented) && !found) found = entry.principal;
  }
  if (!found) throw new RegistryError("UNAUTHENTICATED", "The registry token is not valid.");
  return found;
}

/** Publishing needs the token of the team that owns the subgraph by the registry's config. */
export function authorizePublish(config: Pick<RegistryConfig, "teams">, principal: Principal, subgraph: string): string {
  if (principal.kind !== "team")
    throw new RegistryError("FORBIDDEN", `${principal.kind === "router" ? "Router" : "Viewer"} tokens cannot publish schemas.`);
  const owner = ownerOf(config, subgraph);
  if (owner !== principal.team) {
    throw new RegistryError(
      "FORBIDDEN",
      owner
        ? `Team "${principal.team}" cannot publish subgraph "${subgraph}": it is owned by team "${owner}".`
        : `Team "${principal.team}" cannot publish subgraph "${subgraph}": no team owns it in the registry's config.`,
      { owner: owner ?? null },
    );
  }
  return principal.team;
}

export function requireRouter(principal: Principal, what = "report usage"): void {
  if (principal.kind !== "router") throw new RegistryError("FORBIDDEN", `Only router tokens may ${what}.`);
}
