import type { z } from "zod";
import type { RegistryErrorCode } from "./errors.ts";
import * as req from "./requests.ts";
import * as res from "./responses.ts";

/**
 * Every endpoint of the registry's API: method, path, who may call it, what it takes, what it
 * answers per status and the error codes it may refuse with. The registry routes from this table
 * and the client is built from it. Every endpoint needs `Authorization: Bearer <token>`.
 */

export interface Endpoint {
  method: "GET" | "POST";
  /** `:name` segments are path parameters. */
  path: string;
  /** A team's token, a router's, or either. */
  auth: "team" | "router" | "any";
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success answers; null for one without a body. */
  responses: Record<number, z.ZodType | null>;
  /** The codes of its error answers, besides those every endpoint may give (anyEndpointErrors). */
  errors: readonly RegistryErrorCode[];
}

/** A missing or unknown token, a database that is down, a bug. */
export const anyEndpointErrors = [
  "UNAUTHENTICATED",
  "SERVICE_UNAVAILABLE",
  "INTERNAL_SERVER_ERROR",
] as const satisfies readonly RegistryErrorCode[];

/** What a request with a JSON body may be refused for before it is read. */
const bodyErrors = ["BAD_REQUEST", "BAD_USER_INPUT", "PAYLOAD_TOO_LARGE"] as const satisfies readonly RegistryErrorCode[];
const refusedChange = [
  "COMPOSITION_FAILED",
  "BREAKING_CHANGE",
  "OWNERSHIP_TRANSFER_NOT_APPROVED",
  "SECURITY_CHANGE_NOT_APPROVED",
] as const satisfies readonly RegistryErrorCode[];

export const endpoints = {
  subgraphs: { method: "GET", path: "/v1/subgraphs", auth: "any", responses: { 200: res.subgraphsResponse }, errors: [] },
  subgraph: {
    method: "GET",
    path: "/v1/subgraphs/:name",
    auth: "any",
    params: req.subgraphParams,
    responses: { 200: res.subgraphResponse },
    errors: ["BAD_USER_INPUT", "NOT_FOUND"],
  },
  subgraphVersion: {
    method: "GET",
    path: "/v1/subgraphs/:name/versions/:version",
    auth: "any",
    params: req.subgraphVersionParams,
    responses: { 200: res.subgraphVersionResponse },
    errors: ["BAD_USER_INPUT", "NOT_FOUND"],
  },
  check: {
    method: "POST",
    path: "/v1/subgraphs/:name/check",
    auth: "any",
    params: req.subgraphParams,
    body: req.checkBody,
    responses: { 200: res.checkResponse },
    errors: bodyErrors,
  },
  /** 201 with a new version, 200 when the schema and URL are the ones already current. */
  publish: {
    method: "POST",
    path: "/v1/subgraphs/:name/publish",
    auth: "team",
    params: req.subgraphParams,
    body: req.publishBody,
    responses: { 201: res.published, 200: res.unchanged },
    errors: [...bodyErrors, "FORBIDDEN", "CONFLICT", ...refusedChange],
  },
  approve: {
    method: "POST",
    path: "/v1/subgraphs/:name/approvals",
    auth: "team",
    params: req.subgraphParams,
    body: req.approveBody,
    responses: { 201: res.approveResponse },
    errors: [...bodyErrors, "FORBIDDEN", "COMPOSITION_FAILED"],
  },
  /** With If-None-Match naming the current hash: 304, or with `wait` a long-poll for the next one. Headers: etag, x-supergraph-version. */
  supergraph: {
    method: "GET",
    path: "/v1/supergraph",
    auth: "any",
    query: req.supergraphQuery,
    responses: { 200: res.supergraphResponse, 304: null },
    errors: ["BAD_USER_INPUT", "NOT_FOUND"],
  },
  supergraphVersions: {
    method: "GET",
    path: "/v1/supergraph/versions",
    auth: "any",
    query: req.supergraphVersionsQuery,
    responses: { 200: res.supergraphVersionsResponse },
    errors: ["BAD_USER_INPUT"],
  },
  supergraphVersion: {
    method: "GET",
    path: "/v1/supergraph/versions/:version",
    auth: "any",
    params: req.supergraphVersionParams,
    responses: { 200: res.supergraphVersionResponse },
    errors: ["BAD_USER_INPUT", "NOT_FOUND"],
  },
  diff: {
    method: "GET",
    path: "/v1/diff",
    auth: "any",
    query: req.diffQuery,
    responses: { 200: res.diffResponse },
    errors: ["BAD_USER_INPUT", "NOT_FOUND"],
  },
  /** Field usage from routers, for the breaking-change checks. */
  usage: {
    method: "POST",
    path: "/v1/usage",
    auth: "router",
    body: req.usageBody,
    responses: { 202: res.usageResponse },
    errors: [...bodyErrors, "FORBIDDEN"],
  },
  /** The console's reads (GET, any token: a team's, a router's or a viewer's). */
  supergraphChanges: {
    method: "GET",
    path: "/v1/supergraph/versions/:version/changes",
    auth: "any",
    params: req.supergraphVersionParams,
    responses: { 200: res.supergraphChangesResponse },
    errors: ["BAD_USER_INPUT", "NOT_FOUND"],
  },
  checks: {
    method: "GET",
    path: "/v1/checks",
    auth: "any",
    query: req.checksQuery,
    responses: { 200: res.checksResponse },
    errors: ["BAD_USER_INPUT"],
  },
  usageSummary: {
    method: "GET",
    path: "/v1/usage/summary",
    auth: "any",
    query: req.usageSummaryQuery,
    responses: { 200: res.usageSummaryResponse },
    errors: ["BAD_USER_INPUT"],
  },
  graphFields: {
    method: "GET",
    path: "/v1/graph/fields",
    auth: "any",
    query: req.graphFieldsQuery,
    responses: { 200: res.graphFieldsResponse },
    errors: ["BAD_USER_INPUT", "NOT_FOUND"],
  },
  policyHistory: {
    method: "GET",
    path: "/v1/graph/policy-history",
    auth: "any",
    query: req.policyHistoryQuery,
    responses: { 200: res.policyHistoryResponse },
    errors: ["BAD_USER_INPUT"],
  },
  routers: { method: "GET", path: "/v1/routers", auth: "any", responses: { 200: res.routersResponse }, errors: [] },
  /** A router replica's supergraph and subgraph health, for the console. */
  routerReport: {
    method: "POST",
    path: "/v1/routers/report",
    auth: "router",
    body: req.routerReportBody,
    responses: { 200: res.routerReportResponse },
    errors: [...bodyErrors, "FORBIDDEN"],
  },
} as const satisfies Record<string, Endpoint>;

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;

/** The endpoint a method and path name, with its path parameters (still URI-encoded). */
export function matchEndpoint(method: string, pathname: string): { name: EndpointName; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (match) return { name: route.name, params: Object.fromEntries(route.keys.map((key, i) => [key, match[i + 1]!])) };
  }
  return undefined;
}

/** Whether any endpoint has this path, whatever its method (for a 405 and its Allow header). */
export function methodsFor(pathname: string): string[] {
  return [...new Set(routes.filter((r) => r.pattern.test(pathname)).map((r) => r.method))];
}

const routes = (Object.entries(endpoints) as Array<[EndpointName, Endpoint]>).map(([name, endpoint]) => {
  const keys: string[] = [];
  const source = endpoint.path.replace(/:([a-z]+)/gi, (_, key: string) => {
    keys.push(key);
    return "([^/]+)";
  });
  return { name, method: endpoint.method, pattern: new RegExp(`^${source}$`), keys };
});
