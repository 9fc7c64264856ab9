import { ErrorCode } from "@store/wire";

/**
 * Why a fetch from a subgraph gave no usable answer. The kind decides the client's error code, whether
 * a query may be retried, and (for every kind but circuit-open) counts against the subgraph's breaker.
 */
export type SubgraphFailureKind = "unreachable" | "timeout" | "http-status" | "invalid-response" | "circuit-open";

export class SubgraphFailure extends Error {
  readonly code: ErrorCode;

  constructor(
    readonly subgraph: string,
    readonly kind: SubgraphFailureKind,
    /** Short reason, safe to show a client: never the subgraph's own body. */
    readonly detail: string,
    /** Whether trying again could help (connection refused, 502/503/504); queries only, never mutations. */
    readonly transient = false,
  ) {
    const invalid = kind === "invalid-response";
    super(
      invalid ? `The ${subgraph} subgraph sent an invalid response: ${detail}.` : `The ${subgraph} subgraph is unavailable: ${detail}.`,
    );
    this.name = "SubgraphFailure";
    this.code = invalid ? ErrorCode.SUBGRAPH_INVALID_RESPONSE : ErrorCode.SERVICE_UNAVAILABLE;
  }

  /** What a client sees in `extensions`. */
  get extensions() {
    return { code: this.code, serviceName: this.subgraph, reason: this.kind };
  }
}

/** HTTP statuses a proxy or a restarting server answers with: worth another try. */
export const TRANSIENT_STATUSES = new Set([502, 503, 504]);
