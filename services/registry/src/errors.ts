import { ErrorCode } from "@store/wire";

/**
 * The registry's closed set of error codes: the shared ones it uses plus the outcomes of a
 * rejected publish, which CI scripts branch on.
 */
export const RegistryErrorCode = {
  BAD_REQUEST: ErrorCode.BAD_REQUEST,
  BAD_USER_INPUT: ErrorCode.BAD_USER_INPUT,
  PAYLOAD_TOO_LARGE: ErrorCode.PAYLOAD_TOO_LARGE,
  UNAUTHENTICATED: ErrorCode.UNAUTHENTICATED,
  FORBIDDEN: ErrorCode.FORBIDDEN,
  NOT_FOUND: ErrorCode.NOT_FOUND,
  CONFLICT: ErrorCode.CONFLICT,
  SERVICE_UNAVAILABLE: ErrorCode.SERVICE_UNAVAILABLE,
  INTERNAL_SERVER_ERROR: ErrorCode.INTERNAL_SERVER_ERROR,
  /** The subgraph schema does not compose with the others. */
  COMPOSITION_FAILED: "COMPOSITION_FAILED",
  /** The change breaks operations that clients were seen sending. */
  BREAKING_CHANGE: "BREAKING_CHANGE",
  /** The change takes fields from another team's subgraph without that team's approval. */
  OWNERSHIP_TRANSFER_NOT_APPROVED: "OWNERSHIP_TRANSFER_NOT_APPROVED",
  /** The change weakens authorization or widens exposure without the owners' and a security team's approval. */
  SECURITY_CHANGE_NOT_APPROVED: "SECURITY_CHANGE_NOT_APPROVED",
} as const;

export type RegistryErrorCode = keyof typeof RegistryErrorCode;

const STATUS: Record<RegistryErrorCode, number> = {
  BAD_REQUEST: 400,
  BAD_USER_INPUT: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
  COMPOSITION_FAILED: 422,
  BREAKING_CHANGE: 422,
  OWNERSHIP_TRANSFER_NOT_APPROVED: 403,
  SECURITY_CHANGE_NOT_APPROVED: 403,
};

/** An expected failure: its code decides the HTTP status; `details` are merged into the response body. */
export class RegistryError extends Error {
  readonly status: number;
  constructor(readonly code: RegistryErrorCode, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = "RegistryError";
    this.status = STATUS[code];
  }
}
