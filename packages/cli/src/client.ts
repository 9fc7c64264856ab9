import { ExitCode } from "./exit-codes.ts";

/**
 * The registry's REST API as the CLI uses it. Every failure becomes a CliError carrying the exit code
 * CI should see: 1 for a rejected change, 2 for a request the user must fix, 3 when the registry
 * cannot be reached or is busy (worth a retry).
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

export interface RegistryClientOptions {
  url: string;
  token: string;
  timeoutMs: number;
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** Refusals that a check would report too: the change needs approvals first. */
const CHECK_CODES = new Set(["OWNERSHIP_TRANSFER_NOT_APPROVED", "SECURITY_CHANGE_NOT_APPROVED"]);

function exitCodeFor(status: number, code: string | undefined): ExitCode {
  if (status === 422 || (code && CHECK_CODES.has(code))) return ExitCode.CHECK_FAILED;
  if (status === 409 || status >= 500) return ExitCode.UNREACHABLE;
  return ExitCode.USAGE;
}

export function createRegistryClient({ url, token, timeoutMs }: RegistryClientOptions) {
  const base = url.replace(/\/+$/, "");

  async function request<T>(method: "GET" | "POST", path: string, body?: unknown, accept: number[] = []): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body !== undefined && { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = (error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new CliError(ExitCode.UNREACHABLE, "REGISTRY_UNREACHABLE", `Cannot reach the registry at ${base}: ${why}.`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(ExitCode.UNREACHABLE, "REGISTRY_BAD_RESPONSE", `The registry at ${base} answered ${response.status} with a body that is not JSON; is that URL the registry?`);
    }
    if (response.ok || accept.includes(response.status)) return { status: response.status, body: parsed as T };
    const error = (parsed as ErrorBody | undefined)?.error;
    throw new CliError(
      exitCodeFor(response.status, error?.code),
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `The registry answered ${response.status} ${response.statusText}.`,
      parsed,
    );
  }

  const path = encodeURIComponent;
  return {
    check: (subgraph: string, input: { sdl: string; routingUrl?: string; strict?: boolean; usageWindowHours?: number }) =>
      request<{ check: CheckReport }>("POST", `/v1/subgraphs/${path(subgraph)}/check`, input),
    publish: (subgraph: string, input: { sdl: string; routingUrl?: string; author?: string; force?: boolean; reason?: string }) =>
      request<PublishResult>("POST", `/v1/subgraphs/${path(subgraph)}/publish`, input),
    approve: (subgraph: string, input: { sdl: string; routingUrl?: string; comment?: string }) =>
      request<ApproveResult>("POST", `/v1/subgraphs/${path(subgraph)}/approvals`, input),
    subgraphs: () => request<{ subgraphs: SubgraphEntry[] }>("GET", "/v1/subgraphs"),
    supergraphVersions: (limit: number) => request<{ versions: SupergraphVersionEntry[] }>("GET", `/v1/supergraph/versions?limit=${limit}`),
    diff: (from?: number, to?: number) => {
      const query = new URLSearchParams();
      if (from !== undefined) query.set("from", String(from));
      if (to !== undefined) query.set("to", String(to));
      return request<{ diff: Diff }>("GET", `/v1/diff${query.size ? `?${query}` : ""}`);
    },
  };
}

export type RegistryClient = ReturnType<typeof createRegistryClient>;

/* The parts of the registry's answers the CLI reads. */

export interface CompositionMessage {
  severity: "error" | "hint";
  code: string;
  message: string;
  locations: string[];
}

export interface OperationUsage {
  operationName: string;
  clientName: string;
  clientVersion: string;
  count: number;
  lastSeen: string;
  coordinates: string[];
}

export interface SchemaChange {
  code: string;
  criticality: "breaking" | "dangerous" | "safe";
  coordinate: string;
  message: string;
}

export interface JudgedChange extends SchemaChange {
  blocking: boolean;
  affectedOperations: OperationUsage[];
}

export interface Owner {
  subgraph: string;
  team: string;
}

export interface OwnershipTransfer {
  coordinate: string;
  kind: "override" | "progressive_override" | "shared";
  to: string;
  from: string[];
  label?: string;
  owners: Owner[];
  approved: boolean;
}

export interface SecurityChange {
  code: string;
  coordinate: string;
  message: string;
  owners: Owner[];
  approved: boolean;
}

export interface CheckReport {
  subgraph: string;
  ok: boolean;
  composition: { ok: boolean; errors: CompositionMessage[]; hints: CompositionMessage[] };
  changes: JudgedChange[];
  usage: { windowHours: number; since: string; recorded: boolean; strict: boolean };
  summary: { breaking: number; blocking: number; dangerous: number; safe: number };
  affectedOperations: OperationUsage[];
  ownershipTransfers: OwnershipTransfer[];
  securityChanges: SecurityChange[];
  approvals: { given: string[]; missingOwners: string[]; security: { required: boolean; approved: boolean; teams: string[] } };
}

export type PublishResult =
  | { status: "published"; supergraphVersion: number; subgraphVersion: number; check: CheckReport; forced?: { reason: string; changes: string[] } }
  | { status: "unchanged"; supergraphVersion: number; subgraphVersion: number };

export interface ApproveResult {
  approval: { subgraph: string; sdlHash: string; team: string; roles: Array<"owner" | "security">; comment: string | null };
  check: CheckReport;
}

export interface SubgraphEntry {
  name: string;
  team: string;
  routingUrl: string;
  currentVersion: number;
  versions: number;
  publishedAt: string | null;
  publishedBy: string | null;
  author: string | null;
}

export interface SupergraphVersionEntry {
  version: number;
  sdlHash: string;
  subgraphName: string;
  subgraphVersion: number;
  publishedBy: string;
  createdAt: string;
}

export interface Diff {
  from: number;
  to: number;
  subgraphs: Array<{ name: string; fromVersion: number | null; toVersion: number | null; routingUrlChanged: boolean }>;
  changes: SchemaChange[];
}
