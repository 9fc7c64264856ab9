/** What CI branches on. */
export const ExitCode = {
  OK: 0,
  /** The change does not compose, or breaks operations in use. */
  CHECK_FAILED: 1,
  /** Bad flags, an unreadable file, a bad or missing token, a subgraph the team does not own. */
  USAGE: 2,
  /** The registry did not answer, failed, or was busy with another publish: worth a retry. */
  UNREACHABLE: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
