import type { ErrorCode } from "@store/wire";

/**
 * The registry's error codes with the HTTP status each implies: the platform codes it answers with
 * and its own domain codes, the outcomes of a rejected publish that CI scripts branch on.
 */

type PlatformErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const RegistryDomainErrorCode = {
  /** The subgraph schema does not compose with the others. */
  COMPOSITION_FAILED: "COMPOSITION_FAILED",
  /** The change breaks operations that clients were seen sending. */
  BREAKING_CHANGE: "BREAKING_CHANGE",
  /** The change takes fields from another team's subgraph without that team's approval. */
  OWNERSHIP_TRANSFER_NOT_APPROVED: "OWNERSHIP_TRANSFER_NOT_APPROVED",
  /** The change weakens authorization or widens exposure without the owners' and a security team's approval. */
  SECURITY_CHANGE_NOT_APPROVED: "SECURITY_CHANGE_NOT_APPROVED",
} as const;

export type RegistryDomainErrorCode = keyof typeof RegistryDomainErrorCode;

export const registryErrorStatus = {
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
} as const satisfies Partial<Record<PlatformErrorCode, number>> & Record<RegistryDomainErrorCode, number>;

/** The closed set of codes in the registry's error answers. */
export type RegistryErrorCode = keyof typeof registryErrorStatus;

export const isRegistryErrorCode = (code: unknown): code is RegistryErrorCode =>
  typeof code === "string" && Object.hasOwn(registryErrorStatus, code);

/** Failures the client itself names: no answer, an answer that is not the registry's, or an error answer without a known code. */
export type ClientErrorCode = "REGISTRY_UNREACHABLE" | "REGISTRY_BAD_RESPONSE" | `HTTP_${number}`;

/** A refused or failed call: the registry's stable code, or the client's own when there was no usable answer. */
export class RegistryApiError extends Error {
  constructor(
    readonly code: RegistryErrorCode | ClientErrorCode,
    message: string,
    /** The HTTP status, when the registry answered. */
    readonly status: number | undefined,
    /** The registry's response body (its error and details), when it sent JSON. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "RegistryApiError";
  }
}
