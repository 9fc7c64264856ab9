/**
 * The baseline: stock @apollo/gateway on @apollo/server's standalone server with default options.
 * Usage: stock-gateway.ts <supergraph.graphql> <port>
 *
 * With AUTH_JWT_SECRET set it does what any gateway in front of these subgraphs must: verifies the
 * bearer token (HS256, jose) and forwards the claims in x-supergraph-claims, so the comparison with
 * our router, which does the same, stays like for like.
 *
 * Stock refuses a supergraph whose @authenticated/@requiresScopes/@policy links are marked
 * `for: SECURITY` (it cannot enforce them), so it gets the same SDL with those links made ordinary:
 * it enforces nothing, which leaves our router doing more work per request, not less.
 */
import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { jwtVerify } from "jose";
import { acceptAuthorizationFeatures } from "@store/router/authorization-directives";

type Context = { claims?: string };

const [supergraphPath, port] = process.argv.slice(2);
const secret = process.env.AUTH_JWT_SECRET ? new TextEncoder().encode(process.env.AUTH_JWT_SECRET) : undefined;
const gateway = new ApolloGateway({
  supergraphSdl: acceptAuthorizationFeatures(readFileSync(supergraphPath!, "utf8")).sdl,
  ...(secret && {
    buildService: ({ url }) =>
      new (class extends RemoteGraphQLDataSource<Context> {
        override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>) {
          if (context.claims) request.http?.headers.set("x-supergraph-claims", context.claims);
        }
      })({ url }),
  }),
});
const server = new ApolloServer<Context>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(port), host: "127.0.0.1" },
  context: async ({ req }) => {
    const token = secret && /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token) return {};
    const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"], issuer: "store-accounts", audience: "store-graph" });
    const claims = {
      sub: payload.sub,
      scopes: String(payload.scope ?? "")
        .split(" ")
        .filter(Boolean),
      roles: payload.roles ?? [],
    };
    return { claims: Buffer.from(JSON.stringify(claims)).toString("base64url") };
  },
});
console.log(`stock gateway ready at ${url}`);
