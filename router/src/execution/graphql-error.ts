import { createRequire } from "node:module";

/**
 * GraphQLError from the graphql build Apollo Server and @apollo/gateway use (CommonJS). Apollo Server
 * re-wraps an error that is not `instanceof` its GraphQLError and drops its path; where a bundler or
 * test runner hands this module graphql's ESM build (a second copy), errors made with that copy
 * would lose their paths on the way out.
 */
export const { GraphQLError } = createRequire(import.meta.url)("graphql") as typeof import("graphql");
export type GraphQLError = import("graphql").GraphQLError;
