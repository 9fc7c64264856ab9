// The storefront example's entry point: the client, its cache, the manifest lookup and the typed operations.
export { createStorefrontClient, type StorefrontClient, type StorefrontClientOptions } from "./client.ts";
export { createStorefrontCache } from "./cache.ts";
export { manifestPath, operationIds, readManifest, type TrustedDocumentsManifest } from "./trusted-documents.ts";
export * from "./generated/graphql.ts";
