import { z } from "zod";

/** The bodies the registry answers with, every field declared (the registry's tests hold it to that). Times are ISO 8601 strings. */

const time = z.iso.datetime();
const criticality = z.enum(["breaking", "dangerous", "safe"]);

export const compositionMessage = z.object({
  severity: z.enum(["error", "hint"]),
  code: z.string(),
  message: z.string(),
  /** "file:line:column" of each node the message points at. */
  locations: z.array(z.string()),
});

export const operationUsage = z.object({
  operationName: z.string(),
  clientName: z.string(),
  clientVersion: z.string(),
  /** Requests seen in the window. */
  count: z.number(),
  /** Start of the last hour it was seen in. */
  lastSeen: time,
  /** The coordinates it used that the change affects. */
  coordinates: z.array(z.string()),
});

export const schemaChange = z.object({
  code: z.string(),
  criticality,
  coordinate: z.string(),
  message: z.string(),
});

export const judgedChange = schemaChange.extend({
  /** Coordinates whose use makes an operation affected. */
  usage: z.array(z.string()),
  /** Whether this change blocks the publish. */
  blocking: z.boolean(),
  affectedOperations: z.array(operationUsage),
});

export const owner = z.object({ subgraph: z.string(), team: z.string() });

export const ownershipTransfer = z.object({
  coordinate: z.string(),
  kind: z.enum(["override", "progressive_override", "shared"]),
  /** The publishing subgraph. */
  to: z.string(),
  /** The subgraphs that served the field before. */
  from: z.array(z.string()),
  /** The progressive-override label. */
  label: z.string().optional(),
  owners: z.array(owner),
  approved: z.boolean(),
});

export const securityChange = z.object({
  code: z.string(),
  coordinate: z.string(),
  message: z.string(),
  subgraphs: z.array(z.string()),
  owners: z.array(owner),
  approved: z.boolean(),
});

export const approvalStatus = z.object({
  given: z.array(z.string()),
  missingOwners: z.array(z.string()),
  security: z.object({ required: z.boolean(), approved: z.boolean(), teams: z.array(z.string()) }),
});

export const checkReport = z.object({
  subgraph: z.string(),
  ok: z.boolean(),
  composition: z.object({ ok: z.boolean(), errors: z.array(compositionMessage), hints: z.array(compositionMessage) }),
  /** Changes to the client-facing schema, blocking ones first. */
  changes: z.array(judgedChange),
  usage: z.object({ windowHours: z.number(), since: time, recorded: z.boolean(), strict: z.boolean() }),
  summary: z.object({ breaking: z.number(), blocking: z.number(), dangerous: z.number(), safe: z.number() }),
  /** Every operation and client a blocking change breaks, busiest first. */
  affectedOperations: z.array(operationUsage),
  ownershipTransfers: z.array(ownershipTransfer),
  securityChanges: z.array(securityChange),
  approvals: approvalStatus,
});

export const checkResponse = z.object({ check: checkReport });

export const published = z.object({
  status: z.literal("published"),
  supergraphVersion: z.number(),
  subgraphVersion: z.number(),
  check: checkReport,
  forced: z.object({ reason: z.string(), changes: z.array(z.string()) }).optional(),
});

export const unchanged = z.object({
  status: z.literal("unchanged"),
  supergraphVersion: z.number(),
  subgraphVersion: z.number(),
});

export const approveResponse = z.object({
  approval: z.object({
    subgraph: z.string(),
    sdlHash: z.string(),
    team: z.string(),
    roles: z.array(z.enum(["owner", "security"])),
    comment: z.string().nullable(),
  }),
  check: checkReport,
});

/** What the history shows of forced publishes and approvals. */
const trust = {
  forceReason: z.string().nullable(),
  forcedChanges: z.array(z.string()),
  approvedBy: z.array(z.string()),
};

export const subgraphEntry = z.object({
  name: z.string(),
  team: z.string(),
  routingUrl: z.string(),
  currentVersion: z.number(),
  versions: z.number(),
  publishedAt: time.nullable(),
  publishedBy: z.string().nullable(),
  author: z.string().nullable(),
  sdlHash: z.string().nullable(),
});

export const subgraphsResponse = z.object({ subgraphs: z.array(subgraphEntry) });

export const subgraphResponse = z.object({
  subgraph: z.object({
    name: z.string(),
    team: z.string(),
    routingUrl: z.string(),
    currentVersion: z.number(),
    createdAt: time,
    updatedAt: time,
    /** The current version's schema. */
    sdl: z.string(),
    versions: z.array(
      z.object({
        version: z.number(),
        sdlHash: z.string(),
        routingUrl: z.string(),
        publishedBy: z.string(),
        author: z.string().nullable(),
        publishedAt: time,
        ...trust,
      }),
    ),
  }),
});

export const subgraphVersionResponse = z.object({
  version: z.object({
    id: z.number(),
    subgraphName: z.string(),
    version: z.number(),
    sdl: z.string(),
    sdlHash: z.string(),
    routingUrl: z.string(),
    publishedBy: z.string(),
    author: z.string().nullable(),
    publishedAt: time,
    ...trust,
  }),
});

const supergraphHead = {
  version: z.number(),
  subgraphName: z.string(),
  subgraphVersion: z.number(),
  publishedBy: z.string(),
  author: z.string().nullable(),
  createdAt: time,
  ...trust,
};

/** The current supergraph; its hash is also the ETag. */
export const supergraphResponse = z.object({ supergraph: z.object({ ...supergraphHead, hash: z.string(), sdl: z.string() }) });

export const supergraphVersionEntry = z.object({ ...supergraphHead, sdlHash: z.string() });

export const supergraphVersionsResponse = z.object({ versions: z.array(supergraphVersionEntry) });

export const supergraphVersionResponse = z.object({
  supergraph: z.object({
    ...supergraphHead,
    sdl: z.string(),
    sdlHash: z.string(),
    subgraphs: z.array(z.object({ name: z.string(), version: z.number(), routingUrl: z.string(), sdlHash: z.string() })),
  }),
});

export const diff = z.object({
  from: z.number(),
  to: z.number(),
  subgraphs: z.array(
    z.object({ name: z.string(), fromVersion: z.number().nullable(), toVersion: z.number().nullable(), routingUrlChanged: z.boolean() }),
  ),
  changes: z.array(schemaChange),
});

export const diffResponse = z.object({ diff });

export const usageResponse = z.object({
  /** Reports of identified clients, recorded. */
  accepted: z.number(),
  /** Reports of unidentified clients, dropped. */
  ignored: z.number(),
  /** Usage rows written or added to. */
  rows: z.number(),
});

/** The console's reads. */

/** A security-relevant change between two supergraphs: authorization removed or weakened, @inaccessible removed, a type newly reachable. */
export const securityDiffEntry = z.object({
  code: z.string(),
  coordinate: z.string(),
  message: z.string(),
  subgraphs: z.array(z.string()),
});

/** What one supergraph version changed for clients, against the one before (none for the first). */
export const supergraphChangesResponse = z.object({
  changes: z.object({
    version: z.number(),
    previous: z.number().nullable(),
    subgraphName: z.string(),
    subgraphVersion: z.number(),
    changes: z.array(schemaChange),
    securityChanges: z.array(securityDiffEntry),
  }),
});

export const checkRun = z.object({
  id: z.number(),
  subgraph: z.string(),
  /** A team's name, "router" or "viewer". */
  requestedBy: z.string(),
  ok: z.boolean(),
  createdAt: time,
  report: checkReport,
});

/** The latest checks, newest first. */
export const checksResponse = z.object({ checks: z.array(checkRun) });

export const usageSummary = z.object({
  windowHours: z.number(),
  since: time,
  /** Every client seen in the window (the `client` filter picks one). */
  clients: z.array(z.string()),
  /** Requests per operation and client, busiest first. */
  operations: z.array(z.object({ operationName: z.string(), clientName: z.string(), count: z.number() })),
  /** Requests that used each coordinate, busiest first. */
  fields: z.array(z.object({ coordinate: z.string(), count: z.number() })),
  /** Fields of the current API schema no recorded operation used in the window: candidates for removal. */
  unusedFields: z.array(z.string()),
  /** Requests per hour and client, oldest first. */
  hourly: z.array(z.object({ hour: time, clientName: z.string(), count: z.number() })),
});

export const usageSummaryResponse = z.object({ usage: usageSummary });

/** The access rules of a field: its own directives and its type's. */
export const fieldPolicy = z.object({
  authenticated: z.boolean(),
  /** Any one inner list grants access, with all of its scopes. */
  requiresScopes: z.array(z.array(z.string())).nullable(),
  policy: z.array(z.array(z.string())).nullable(),
  /** @cost(weight:) of the field, or of its type. */
  cost: z.number().nullable(),
});

export const graphField = z.object({
  /** `Type.field`. */
  coordinate: z.string(),
  type: z.string(),
  field: z.string(),
  /** The field's type as the schema prints it (`[Product!]!`). */
  returnType: z.string(),
  subgraphs: z.array(z.string()),
  teams: z.array(z.string()),
  policy: fieldPolicy,
  /** Requests that used it in the window. */
  usage: z.number(),
});

/** Every field of the client-facing schema of the current supergraph, with owners, access rules and usage. */
export const graphFieldsResponse = z.object({
  graph: z.object({ supergraphVersion: z.number(), windowHours: z.number(), fields: z.array(graphField) }),
});

/** How a field's access rules changed with one supergraph version (null: no rules). */
export const policyChange = z.object({
  version: z.number(),
  createdAt: time,
  subgraphName: z.string(),
  publishedBy: z.string(),
  coordinate: z.string(),
  before: fieldPolicy.nullable(),
  after: fieldPolicy.nullable(),
});

export const policyHistoryResponse = z.object({ changes: z.array(policyChange) });

export const routerReplica = z.object({
  replicaId: z.string(),
  supergraphVersion: z.number().nullable(),
  supergraphHash: z.string().nullable(),
  subgraphs: z.array(z.object({ name: z.string(), healthy: z.boolean(), checkedAt: time })),
  reportedAt: time,
});

export const routersResponse = z.object({ routers: z.array(routerReplica) });
export const routerReportResponse = z.object({ recorded: z.literal(true) });

/** Every error answer: `{ "error": { "code", "message" }, ...details }`. */
export const errorResponse = z.looseObject({ error: z.object({ code: z.string(), message: z.string() }) });

export type CompositionMessage = z.infer<typeof compositionMessage>;
export type OperationUsage = z.infer<typeof operationUsage>;
export type SchemaChange = z.infer<typeof schemaChange>;
export type JudgedChange = z.infer<typeof judgedChange>;
export type CheckReport = z.infer<typeof checkReport>;
export type PublishResult = z.infer<typeof published> | z.infer<typeof unchanged>;
export type ApproveResult = z.infer<typeof approveResponse>;
export type SubgraphEntry = z.infer<typeof subgraphEntry>;
export type SupergraphVersionEntry = z.infer<typeof supergraphVersionEntry>;
export type Diff = z.infer<typeof diff>;
export type ErrorResponse = z.infer<typeof errorResponse>;
export type SupergraphChanges = z.infer<typeof supergraphChangesResponse>["changes"];
export type CheckRun = z.infer<typeof checkRun>;
export type UsageSummary = z.infer<typeof usageSummary>;
export type FieldPolicy = z.infer<typeof fieldPolicy>;
export type GraphField = z.infer<typeof graphField>;
export type PolicyChange = z.infer<typeof policyChange>;
export type RouterReplica = z.infer<typeof routerReplica>;
export type SubgraphDetail = z.infer<typeof subgraphResponse>["subgraph"];
