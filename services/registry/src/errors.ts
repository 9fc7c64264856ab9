import { registryErrorStatus, type RegistryErrorCode } from "@store/registry-api";

/** An expected failure: its code (declared by @store/registry-api) decides the HTTP status; `details` are merged into the response body. */
export class RegistryError extends Error {
  readonly status: number;
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "RegistryError";
    this.status = registryErrorStatus[code];
  }
}
