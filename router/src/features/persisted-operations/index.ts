import {
  HeaderMap,
  type ApolloServerOptions,
  type ApolloServerPlugin,
  type GraphQLRequest,
  type GraphQLRequestListener,
} from "@apollo/server";
import type { GraphQLError } from "graphql";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import { Counter, type Registry } from "prom-client";
import { ErrorCode, codedError } from "@store/wire";
import { ConfigError, type Logger } from "@store/service-kit";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks } from "../feature.ts";
import type { PersistedOperationsConfig } from "./config.ts";
import { ManifestError, loadTrustedDocuments, sha256, type TrustedDocuments } from "./manifest.ts";

export interface PersistedOperationsDeps {
  config: PersistedOperationsConfig;
  logger: Logger;
  registry?: Registry;
}

/**
 * Apollo Server's APQ setting: a bounded LRU cache, or off. In reject mode the manifest is the only
 * store (ids resolve from it; APQ could only ever hold manifest documents), so APQ is off there.
 */
export function persistedQueriesOption(config: PersistedOperationsConfig): ApolloServerOptions<RouterContext>["persistedQueries"] {
  if (!apqEnabled(config)) return false;
  return {
    cache: new InMemoryLRUCache<string>({
      maxSize: config.apq.cacheBytes,
      sizeCalculation: (document) => Buffer.byteLength(document) || 1,
    }),
    ...(config.apq.ttlSeconds !== undefined && { ttl: config.apq.ttlSeconds }),
  };
}

const apqEnabled = (config: PersistedOperationsConfig) => config.apq.enabled && config.mode !== "reject";

// The same answer Apollo Server gives for an unknown APQ hash, so APQ clients follow their usual flow.
const notFound = () =>
  codedError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound", {
    http: { status: 200, headers: new HeaderMap([["cache-control", "private, no-cache, must-revalidate"]]) },
  });

const notAllowed = () =>
  codedError(
    ErrorCode.PERSISTED_QUERY_NOT_ALLOWED,
    "This router runs only trusted operations: send the id of an operation from its manifest.",
    {
      http: { status: 400 },
    },
  );

/**
 * Apollo Server turns a plugin's error into a proper response only from didResolveOperation (an
 * error thrown earlier becomes a 500). So a refused request carries this constant document to that
 * point, where the refusal is thrown: the client's text is never parsed.
 */
const PLACEHOLDER = "query PersistedOperationRefused { __typename }";

function refuse(request: GraphQLRequest, error: GraphQLError): GraphQLRequestListener<RouterContext> {
  request.query = PLACEHOLDER;
  request.operationName = undefined;
  if (request.extensions) request.extensions = withoutPersistedQuery(request.extensions);
  return {
    async didResolveOperation() {
      throw error;
    },
  };
}

/** Unknown documents are logged once per distinct document (up to this many), then only counted. */
const LOGGED_UNKNOWN_MAX = 10_000;

/**
 * `persistedOperations` with a manifest (modes log and reject): a request naming a manifest id in
 * extensions.persistedQuery.sha256Hash runs that document. In log mode anything else runs too and
 * is counted and logged; in reject mode a document that is not in the manifest never parses.
 */
export async function createPersistedOperationsHooks({
  config,
  logger,
  registry,
}: PersistedOperationsDeps): Promise<PersistedOperationsHooks | undefined> {
  if (config.mode === "off") return undefined;
  let documents: TrustedDocuments;
  try {
    documents = await loadTrustedDocuments(config.manifest!);
  } catch (error) {
    if (error instanceof ManifestError)
      throw new ConfigError(
        error.problems.map((p) => `persistedOperations.manifest: ${p}`),
        "router",
      );
    throw error;
  }
  logger.info({ mode: config.mode, operations: documents.size, manifest: config.manifest }, "trusted documents loaded");
  const requests = new Counter({
    name: "persisted_operation_requests_total",
    help: "Requests by how their document relates to the manifest: manifest (a trusted document), unknown (not in it; ran in log mode), rejected (not in it; refused in reject mode), not_found (an id neither the manifest nor APQ knows)",
    labelNames: ["result"],
    registers: registry ? [registry] : [],
  });
  const logged = new Set<string>();
  const unknown = (document: string, operationName: string | null | undefined) => {
    requests.inc({ result: "unknown" });
    const hash = sha256(document);
    if (logged.has(hash) || logged.size >= LOGGED_UNKNOWN_MAX) return;
    logged.add(hash);
    logger.warn(
      { sha256: hash, operationName: operationName ?? null },
      "operation not in the trusted documents manifest (log mode: it ran)",
    );
  };
  // Log mode, an id only the APQ cache may know: judge the document once APQ has resolved it.
  const judgeResolvedSource: GraphQLRequestListener<RouterContext> = {
    async didResolveSource({ source, request }) {
      if (documents.hasBody(source)) requests.inc({ result: "manifest" });
      else unknown(source, request.operationName);
    },
  };

  const apq = apqEnabled(config);
  const plugin: ApolloServerPlugin<RouterContext> = {
    async requestDidStart({ request }) {
      const persisted = request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
      const id = typeof persisted?.sha256Hash === "string" ? persisted.sha256Hash : undefined;
      if (request.query === undefined && id !== undefined) {
        const trusted = documents.byId(id);
        if (trusted) {
          // Run the manifest's document; without the extension, APQ neither checks nor caches it.
          request.query = trusted.body;
          request.extensions = withoutPersistedQuery(request.extensions!);
          requests.inc({ result: "manifest" });
          return;
        }
        if (config.mode === "reject") {
          requests.inc({ result: "not_found" });
          return refuse(request, notFound());
        }
        return judgeResolvedSource;
      }
      if (typeof request.query !== "string") return; // Apollo answers a missing query itself
      if (documents.hasBody(request.query)) {
        // An APQ client registering a manifest document: with APQ off, the document alone runs.
        if (persisted && !apq) request.extensions = withoutPersistedQuery(request.extensions!);
        requests.inc({ result: "manifest" });
        return;
      }
      if (config.mode === "reject") {
        requests.inc({ result: "rejected" });
        return refuse(request, notAllowed());
      }
      unknown(request.query, request.operationName);
    },
  };
  return { operation: [plugin], documents };
}

export type PersistedOperationsHooks = FeatureHooks & { documents: TrustedDocuments };

function withoutPersistedQuery(extensions: Record<string, unknown>): Record<string, unknown> {
  const { persistedQuery: _, ...rest } = extensions;
  return rest;
}
