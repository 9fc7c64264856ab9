/**
 * Recognises "the database is not there right now" among the errors Prisma, its pg driver adapter
 * and node-postgres raise, so a subgraph can answer SERVICE_UNAVAILABLE (try again) instead of an
 * internal error while its database is down or restarting.
 */

/** Prisma: can't reach server, connect timeout, operation timeout, server closed the connection, pool timeout. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** What @prisma/adapter-pg reports in meta.driverAdapterError.cause.kind. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/**
 * SQLSTATEs: class 08 connection exceptions, 57P01-03 shutdown or starting up, 53300 too many
 * connections. Bare socket codes (ECONNREFUSED) are left out: a failed fetch to another service has
 * them too, and the adapter already turns the database's into the kinds above.
 */
const SQLSTATE = /^(08\w{3}|57P0[123]|53300)$/;
/** node-postgres raises these without a code. */
const MESSAGES =
  /connection terminated|connection timeout|timeout exceeded when trying to connect|client has encountered a connection error|server closed the connection|can't reach database server/i;

function causes(error: unknown): unknown[] {
  const seen: unknown[] = [];
  const queue = [error];
  while (queue.length && seen.length < 10) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.includes(current)) continue;
    seen.push(current);
    const e = current as { originalError?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    queue.push(e.originalError, e.cause, e.meta?.driverAdapterError);
  }
  return seen;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some((e) => {
    const { code, kind, message } = e as { code?: unknown; kind?: unknown; message?: unknown };
    if (typeof code === "string" && (PRISMA_CODES.has(code) || SQLSTATE.test(code))) return true;
    if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
    return typeof message === "string" && MESSAGES.test(message);
  });
}

/**
 * SQLSTATEs of a value the database cannot store as text: 22021 (a byte sequence not valid in the
 * encoding, such as a NUL byte) and 22P05 (a character it cannot translate). The client sent it.
 */
const INPUT_SQLSTATE = new Set(["22021", "22P05"]);
const INPUT_MESSAGES = /invalid byte sequence for encoding|unsupported Unicode escape sequence|cannot be converted to text/i;

/** The database refused a value the client sent (a NUL byte in a string): the client's mistake, not an outage. */
export function isDatabaseInputError(error: unknown): boolean {
  return causes(error).some((e) => {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && INPUT_SQLSTATE.has(code)) return true;
    return typeof message === "string" && INPUT_MESSAGES.test(message);
  });
}
