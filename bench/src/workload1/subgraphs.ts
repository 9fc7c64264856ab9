import http from "node:http";
import type { AddressInfo } from "node:net";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { execute, parse, type GraphQLSchema } from "graphql";
import { subgraphs } from "./schema.ts";

export interface RunningSubgraphs {
  urls: Record<string, string>;
  sdl: Record<string, string>;
  /** Requests each subgraph has served so far. */
  fetches: Record<string, number>;
  stop(): Promise<void>;
}

const MAX_MEMOIZED = 10_000;

/**
 * One in-memory subgraph on plain node:http. A gateway sends the same subgraph request for the same
 * client query, so each distinct body is executed once and its answer memoized: the subgraphs cost
 * next to nothing and the gateway is what gets measured (the public benchmark uses Rust subgraphs).
 */
function serve(schema: GraphQLSchema, onRequest: () => void): http.Server {
  const answers = new Map<string, string>();
  return http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      onRequest();
      const raw = Buffer.concat(chunks).toString("utf8");
      let answer = answers.get(raw);
      if (answer === undefined) {
        const { query, variables, operationName } = JSON.parse(raw);
        answer = JSON.stringify(await execute({ schema, document: parse(query), variableValues: variables, operationName }));
        if (answers.size < MAX_MEMOIZED) answers.set(raw, answer);
      }
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
}

/** Starts the four in-memory subgraphs in this process (the load generator's core). */
export async function startWorkload1Subgraphs(): Promise<RunningSubgraphs> {
  const urls: Record<string, string> = {};
  const sdl: Record<string, string> = {};
  const fetches: Record<string, number> = {};
  const servers: http.Server[] = [];
  for (const [name, { typeDefs, resolvers }] of Object.entries(subgraphs)) {
    fetches[name] = 0;
    const server = serve(buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]), () => void fetches[name]!++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    sdl[name] = typeDefs.loc!.source.body;
    servers.push(server);
  }
  return {
    urls,
    sdl,
    fetches,
    stop: async () => {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
