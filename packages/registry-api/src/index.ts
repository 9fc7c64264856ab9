export * from "./errors.ts";
export * from "./requests.ts";
export * from "./responses.ts";
export { endpoints, anyEndpointErrors, matchEndpoint, methodsFor, type Endpoint, type EndpointName, type Endpoints } from "./endpoints.ts";
export { createRegistryClient, type CallOptions, type RegistryClient, type RegistryClientOptions } from "./client.ts";
