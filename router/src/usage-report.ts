import type { ApolloServerPlugin } from "@apollo/server";
import {
  Kind,
  TypeInfo,
  getNamedType,
  isEnumType,
  isInputObjectType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from "graphql";
import { createRegistryClient, type IdentifiedBy } from "@store/registry-api";
import type { Logger } from "@store/service-kit";
import type { RegistrySourceConfig } from "./config.ts";
import type { RouterContext, TokenClaims } from "./context.ts";
import type { RouterMetrics } from "./metrics.ts";
import type { TrustedDocuments } from "./features/persisted-operations/manifest.ts";

/**
 * Which schema coordinates an operation uses, in the registry's format: `Type.field`,
 * `Type.field(arg:)`, `Input.field` and `Enum.VALUE`. The registry's breaking-change checks look
 * these up, so a field counts as used only when an operation really selected it.
 */
const computed = new WeakMap<DocumentNode, string[]>();

/** Apollo Server reuses one parsed document per operation text, so each is walked once. */
function cachedCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  let coordinates = computed.get(document);
  if (!coordinates) computed.set(document, (coordinates = schemaCoordinates(schema, document)));
  return coordinates;
}

export function schemaCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const used = new Set<string>();
  const typeInfo = new TypeInfo(schema);

  /** Input fields and enum values inside a literal argument value. */
  function walkValue(type: GraphQLInputType | null | undefined, value: ValueNode) {
    if (!type) return;
    const named = getNamedType(type);
    if (value.kind === Kind.LIST) {
      for (const item of value.values) walkValue(named, item);
    } else if (value.kind === Kind.OBJECT && isInputObjectType(named)) {
      const fields = named.getFields();
      for (const field of value.fields) {
        const def = fields[field.name.value];
        if (!def) continue;
        used.add(`${named.name}.${def.name}`);
        walkValue(def.type, field.value);
      }
    } else if (value.kind === Kind.ENUM && isEnumType(named)) {
      used.add(`${named.name}.${value.value}`);
    }
  }

  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field && !isIntrospection(parent.name, field.name)) used.add(`${parent.name}.${field.name}`);
      },
      Argument(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const arg = typeInfo.getArgument();
        if (!parent || !field || !arg || isIntrospection(parent.name, field.name)) return;
        used.add(`${parent.name}.${field.name}(${arg.name}:)`);
        walkValue(arg.type, node.value);
      },
      VariableDefinition(node) {
        // Variables' values are unknown here; their input types' fields count as used as a whole.
        const type = typeInfo.getInputType();
        if (type) collectInputTypes(getNamedType(type), used, new Set());
        return node;
      },
    }),
  );
  return [...used].sort();
}

/** Introspection (`__schema`, `__Type.name`...) is not part of the graph's schema. */
const isIntrospection = (type: string, field: string) => type.startsWith("__") || field.startsWith("__");

/** An input object passed as a variable may set any of its fields: all of them count as used. */
function collectInputTypes(type: ReturnType<typeof getNamedType>, used: Set<string>, seen: Set<string>) {
  if (!isInputObjectType(type) || seen.has(type.name)) return;
  seen.add(type.name);
  for (const field of Object.values(type.getFields())) {
    used.add(`${type.name}.${field.name}`);
    collectInputTypes(getNamedType(field.type), used, seen);
  }
}

interface Entry {
  operationName: string | undefined;
  clientName: string | undefined;
  clientVersion: string | undefined;
  identifiedBy: IdentifiedBy;
  coordinates: string[];
  count: number;
}

export interface CallerIdentity {
  identifiedBy: IdentifiedBy;
  clientName: string | undefined;
}

const DEFAULT_CLIENT_CLAIM = "client_id";

/**
 * Who sent an operation, as far as the router can vouch: a document from the trusted-documents
 * manifest, a client named by a verified token's claim, or else the client's own name header (which
 * the registry counts only for client names it registers). Without any of these the caller is
 * anonymous and its usage is not reported: made-up operations must not keep fields "used".
 */
export function identifyCaller(input: {
  /** Whether the operation's document is one of the trusted-documents manifest. */
  trustedDocument: boolean;
  claims: TokenClaims | null | undefined;
  headerClientName: string | undefined;
  clientClaim: string;
}): CallerIdentity | undefined {
  const claimed = input.claims?.[input.clientClaim];
  const tokenClient = typeof claimed === "string" && claimed.length > 0 ? claimed : undefined;
  if (input.trustedDocument) {
    return { identifiedBy: "persisted", clientName: tokenClient ?? input.headerClientName };
  }
  if (tokenClient) return { identifiedBy: "token", clientName: tokenClient };
  if (input.headerClientName) return { identifiedBy: "client-id", clientName: input.headerClientName };
  return undefined;
}

/** Distinct (operation, client, coordinates) kept between flushes; beyond it new ones are dropped. */
const MAX_ENTRIES = 5_000;

export interface UsageReporterOptions {
  config: RegistrySourceConfig;
  logger: Logger;
  metrics?: RouterMetrics | undefined;
  /** The persisted-operations manifest, when the router has one: its documents identify their callers. */
  trustedDocuments?: TrustedDocuments | undefined;
}

/**
 * Counts identified callers' operations in memory and sends them to the registry's POST /v1/usage
 * every flushIntervalMs, never on the request path. A failed batch is logged and dropped.
 */
export function createUsageReporter({ config, logger, metrics, trustedDocuments }: UsageReporterOptions) {
  const clientClaim = config.usage.clientNameClaim ?? DEFAULT_CLIENT_CLAIM;
  // Apollo Server reuses one parsed document per operation text, so each is hashed once.
  const trusted = new WeakMap<DocumentNode, boolean>();
  const isTrusted = (document: DocumentNode, source: string | undefined) => {
    if (!trustedDocuments || source === undefined) return false;
    let known = trusted.get(document);
    if (known === undefined) trusted.set(document, (known = trustedDocuments.hasBody(source)));
    return known;
  };
  const registry = createRegistryClient({ url: config.url, token: config.token, timeoutMs: 10_000 });
  let entries = new Map<string, Entry>();
  let dropped = 0;
  let inFlight: Promise<void> | undefined;

  function record(entry: Omit<Entry, "count">) {
    if (entry.coordinates.length === 0) return;
    const key = JSON.stringify([entry.operationName, entry.clientName, entry.clientVersion, entry.identifiedBy, entry.coordinates]);
    const existing = entries.get(key);
    if (existing) existing.count += 1;
    else if (entries.size < MAX_ENTRIES) entries.set(key, { ...entry, count: 1 });
    else dropped += 1;
  }

  async function flush(): Promise<void> {
    if (entries.size === 0) return;
    const batch = [...entries.values()];
    entries = new Map();
    if (dropped) logger.warn({ dropped }, "usage buffer full: some operations were not counted");
    dropped = 0;
    const timestamp = new Date().toISOString();
    const reports = batch.map((e) => ({
      ...(e.operationName && { operationName: e.operationName.slice(0, 200) }),
      ...(e.clientName && { clientName: e.clientName.slice(0, 100) }),
      ...(e.clientVersion && { clientVersion: e.clientVersion.slice(0, 100) }),
      identifiedBy: e.identifiedBy,
      coordinates: e.coordinates.slice(0, 5000),
      count: e.count,
      timestamp,
    }));
    try {
      await registry.usage({ body: { reports } });
    } catch (error) {
      metrics?.usageReportFailures.inc();
      logger.warn({ err: (error as Error).message, reports: reports.length }, "usage report failed: batch dropped");
    }
  }

  const timer = setInterval(() => {
    inFlight ??= flush().finally(() => (inFlight = undefined));
  }, config.usage.flushIntervalMs);
  timer.unref();

  const plugin: ApolloServerPlugin<RouterContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, operationName, request, source, contextValue }) {
          const headers = request.http?.headers;
          const identity = identifyCaller({
            trustedDocument: isTrusted(document, source),
            claims: contextValue.tokenClaims,
            headerClientName: headers?.get("apollographql-client-name") ?? headers?.get("x-client-name") ?? undefined,
            clientClaim,
          });
          if (!identity) return;
          record({
            operationName: operationName ?? undefined,
            clientName: identity.clientName,
            clientVersion: headers?.get("apollographql-client-version") ?? headers?.get("x-client-version") ?? undefined,
            identifiedBy: identity.identifiedBy,
            coordinates: cachedCoordinates(schema, document),
          });
        },
      };
    },
  };

  return {
    plugin,
    /** Sends what is left; called on stop. */
    async close() {
      clearInterval(timer);
      await inFlight;
      await flush();
    },
  };
}
