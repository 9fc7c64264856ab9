import { z } from "zod";

/** The bodies and query strings clients send; the registry validates requests with these. */

/** `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `@directive`. */
const COORDINATE = /^(@[_A-Za-z][_0-9A-Za-z]*|[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*(\([_A-Za-z][_0-9A-Za-z]*:\))?)?)$/;

/** Required when the subgraph is new; otherwise defaults to its current URL. */
const routingUrl = z.url({ protocol: /^https?$/, error: "routingUrl must be an http(s) URL" });
const sdl = z.string().min(1, "sdl must not be empty");

export const checkBody = z
  .object({
    sdl,
    routingUrl: routingUrl.optional(),
    /** Every schema-breaking change counts, used or not. */
    strict: z.boolean().optional(),
    /** Overrides the configured window, up to the retention. */
    usageWindowHours: z.number().int().positive().optional(),
  })
  .strict();

export const publishBody = z
  .object({
    sdl,
    routingUrl: routingUrl.optional(),
    /** Who or what published, as the publisher says (a person, a CI job); recorded, not trusted. */
    author: z.string().max(200).optional(),
    /** Publish past breaking changes to operations in use (never past missing approvals); needs a reason. */
    force: z.boolean().optional(),
    /** Why the publish is forced: recorded in the history with the team and the time. */
    reason: z.string().trim().min(10, "give a reason of at least 10 characters").max(500).optional(),
  })
  .strict()
  .refine((body) => !body.force || body.reason, { path: ["reason"], message: "required with force: say why the breaking change must ship" })
  .refine((body) => body.force || body.reason === undefined, {
    path: ["force"],
    message: "a reason is only recorded for a forced publish (force: true)",
  });

export const approveBody = z
  .object({
    sdl,
    routingUrl: routingUrl.optional(),
    comment: z.string().max(500).optional(),
  })
  .strict();

/** How the router knows who sent an operation: a trusted document, a verified token's client claim, or the client's own header (only registered client names count). */
export const identifiedBy = z.enum(["persisted", "token", "client-id"]);

export const usageBody = z
  .object({
    reports: z
      .array(
        z
          .object({
            operationName: z.string().min(1).max(200).optional(),
            clientName: z.string().min(1).max(100).optional(),
            identifiedBy: identifiedBy.optional(),
            clientVersion: z.string().max(100).optional(),
            /** The schema coordinates the operation used. */
            coordinates: z
              .array(z.string().max(300).regex(COORDINATE, "not a schema coordinate (Type.field, Type.field(arg:), Enum.VALUE)"))
              .min(1)
              .max(5000),
            /** Requests of this operation and client the report stands for. */
            count: z.number().int().positive().max(1_000_000_000),
            timestamp: z.iso.datetime({ offset: true }).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict();

const version = z.number().int().positive();

export const subgraphParams = z.object({ name: z.string() });
export const subgraphVersionParams = z.object({ name: z.string(), version });
export const supergraphVersionParams = z.object({ version });
/** `wait`: seconds a long-poll may wait for a version other than the one If-None-Match names. */
export const supergraphQuery = z.object({ wait: version.optional() });
export const supergraphVersionsQuery = z.object({ limit: version.optional() });
/** Default: the latest version and the one before. */
export const diffQuery = z.object({ from: version.optional(), to: version.optional() });

/** The console's reads. `windowHours`: hours of usage to sum, up to the retention (default: the check window). */
export const checksQuery = z.object({ limit: version.optional(), subgraph: z.string().optional() });
export const usageSummaryQuery = z.object({ windowHours: version.optional(), client: z.string().optional() });
export const graphFieldsQuery = z.object({ windowHours: version.optional() });
export const policyHistoryQuery = z.object({ limit: version.optional() });

/** What a router replica says it serves: sent after each supergraph change and every health round. */
export const routerReportBody = z
  .object({
    /** The replica's own id: stable across its polls, different per replica. */
    replicaId: z.string().min(1).max(200),
    supergraphVersion: z.number().int().positive().nullable(),
    supergraphHash: z.string().max(128).nullable(),
    subgraphs: z
      .array(
        z
          .object({
            name: z.string().min(1).max(100),
            healthy: z.boolean(),
            /** When the router last looked. */
            checkedAt: z.iso.datetime({ offset: true }),
          })
          .strict(),
      )
      .max(500),
  })
  .strict();

/** The bodies as the registry reads them, validated. */
export type CheckBody = z.output<typeof checkBody>;
export type PublishBody = z.output<typeof publishBody>;
export type ApproveBody = z.output<typeof approveBody>;
export type UsageBody = z.output<typeof usageBody>;
export type IdentifiedBy = z.infer<typeof identifiedBy>;
export type RouterReportBody = z.output<typeof routerReportBody>;
