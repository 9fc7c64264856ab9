import { RegistryApiError } from "@store/registry-api";
import { ExitCode } from "./exit-codes.ts";

/**
 * A failed command with the exit code CI should see: 1 for a rejected change, 2 for a request the
 * user must fix, 3 when the registry cannot be reached or is busy (worth a retry).
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
    /** The registry's response body, when there was one. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Refusals that a check would report too: the change needs approvals first. */
const CHECK_CODES = new Set(["OWNERSHIP_TRANSFER_NOT_APPROVED", "SECURITY_CHANGE_NOT_APPROVED"]);

function exitCodeFor({ status, code }: RegistryApiError): ExitCode {
  if (status === undefined || code === "REGISTRY_BAD_RESPONSE") return ExitCode.UNREACHABLE;
  if (status === 422 || CHECK_CODES.has(code)) return ExitCode.CHECK_FAILED;
  if (status === 409 || status >= 500) return ExitCode.UNREACHABLE;
  return ExitCode.USAGE;
}

/** A registry call's failure as the CLI reports it. */
export const cliErrorOf = (error: RegistryApiError) => new CliError(exitCodeFor(error), error.code, error.message, error.body);
