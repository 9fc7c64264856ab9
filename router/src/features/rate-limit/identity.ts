import { createHash } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { RouterContext } from "../../context.ts";

export type IdentityKind = "user" | "apiKey" | "ip";

/** Whom a request is counted against. `key` goes into limiter keys; it never holds a raw API key. */
export interface ClientIdentity {
  kind: IdentityKind;
  key: string;
}

export interface IdentityOptions {
  apiKeyHeader: string;
  /** Known keys: SHA-256 hex of the key -> its name. */
  apiKeys: ReadonlyMap<string, string>;
  trustedProxies: readonly string[];
}

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) is 10.0.0.1. */
function normalizeIp(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith("::ffff:") && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

function proxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split("/");
    const type = isIP(address!) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(prefix), type);
  }
  return list;
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then the nearest
 * X-Forwarded-For entry that is not a trusted proxy (entries further left are the client's word).
 */
export function clientAddressResolver(
  trustedProxies: readonly string[],
): (socketIp: string, forwardedFor: string | string[] | undefined) => string {
  if (trustedProxies.length === 0) return (socketIp) => normalizeIp(socketIp);
  const trusted = proxyList(trustedProxies);
  const isTrusted = (ip: string) => {
    const family = isIP(ip);
    return family !== 0 && trusted.check(ip, family === 6 ? "ipv6" : "ipv4");
  };
  return (socketIp, forwardedFor) => {
    let current = normalizeIp(socketIp);
    if (!isTrusted(current) || !forwardedFor) return current;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map(normalizeIp);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (!isIP(hop)) return current; // a garbled entry: stop at the last address we could trust
      current = hop;
      if (!isTrusted(hop)) return hop;
    }
    return current;
  };
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** The user from the verified token, else a known API key, else the client address. */
export function identityResolver(options: IdentityOptions): (context: RouterContext) => ClientIdentity {
  const address = clientAddressResolver(options.trustedProxies);
  const checkKeys = options.apiKeys.size > 0;
  return (context) => {
    const id = context.caller?.id;
    if (id) return { kind: "user", key: id };
    if (checkKeys) {
      const header = context.clientHeaders[options.apiKeyHeader];
      const value = Array.isArray(header) ? header[0] : header;
      const name = value ? options.apiKeys.get(sha256Hex(value)) : undefined;
      if (name) return { kind: "apiKey", key: name };
    }
    return { kind: "ip", key: address(context.clientIp, context.clientHeaders["x-forwarded-for"]) || "unknown" };
  };
}
