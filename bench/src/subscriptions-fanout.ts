import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type Client } from "graphql-ws";
import { SignJWT } from "jose";
import WebSocket from "ws";
import { startStack } from "@store/stack";

/**
 * Subscription fan-out on one router: N WebSocket subscribers (one connection each) follow
 * inventory's stockChanged for one product, selecting products' name with it, so every event runs
 * the federated plan once per subscriber. Events are made by real orders (each reservation
 * publishes one). Reports events/s received, publish-to-receipt p50/p99 (from sending the order
 * mutation to each subscriber's receipt), and router memory per idle subscriber.
 *
 *   npx tsx bench/src/subscriptions-fanout.ts [--subscribers 2000] [--events 20]
 */
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const SUBSCRIBERS = arg("subscribers", 2000);
const EVENTS = arg("events", 20);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const secret = randomUUID() + randomUUID();
const workDir = mkdtempSync(path.join(os.tmpdir(), "store-bench-subs-"));

const token = (sub: string) =>
  new SignJWT({ iss: "store-accounts", aud: "store-graph", sub, scope: "orders:read orders:write", roles: ["customer"] })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(new TextEncoder().encode(secret));

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main() {
  const stack = await startStack({
    repoRoot,
    ports: "random",
    subgraphEnv: Object.fromEntries(
      ["accounts", "products", "inventory", "reviews", "orders"].map((name) => [
        name,
        { [`${name.toUpperCase()}_DATABASE_URL`]: `file:${path.join(workDir, name)}` },
      ]),
    ),
    env: {
      NODE_ENV: "development",
      LOG_LEVEL: "warn",
      ROUTER_SUBSCRIPTIONS_MAX_PER_CLIENT: String(SUBSCRIBERS + 10),
      ROUTER_RATE_LIMIT: "false",
    },
    jwtSecret: secret,
    supergraphOut: path.join(workDir, "supergraph.graphql"),
    logs: { kind: "directory", dir: path.join(workDir, "logs") },
  });
  const url = stack.routerUrl;
  const clients: Client[] = [];
  try {
    const first = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ products(first: 1) { edges { node { id } } } }" }),
    });
    const productId = ((await first.json()) as any).data.products.edges[0].node.id as string;
    const authorization = `Bearer ${await token("usr_bench")}`;
    const rssBefore = await metric(url, "process_resident_memory_bytes");
    const latencies: number[] = [];
    let sentAt = 0;
    let received = 0;
    const query = `subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { id name totalStock } }`;
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const client = createClient({
        url: url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { Authorization: authorization },
      });
      clients.push(client);
      client.subscribe(
        { query, variables: { ids: [productId] } },
        {
          next: () => {
            received++;
            latencies.push(performance.now() - sentAt);
          },
          error: (error) => console.error("subscriber error", error),
          complete: () => undefined,
        },
      );
      if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Let every subscription reach the subgraph, then measure idle memory.
    while ((await metric(url, "router_subscriptions_active")) < SUBSCRIBERS) await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssIdle = await metric(url, "process_resident_memory_bytes");
    const buyer = `Bearer ${await token("usr_bench_buyer")}`;
    const started = performance.now();
    for (let e = 0; e < EVENTS; e++) {
      const target = (e + 1) * SUBSCRIBERS;
      sentAt = performance.now();
      await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: buyer },
        body: JSON.stringify({
          query: `mutation ($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id } }`,
          variables: { input: { lines: [{ productId, quantity: 1 }] }, key: randomUUID() },
        }),
      });
      const deadline = Date.now() + 30_000;
      while (received < target && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          subscribers: SUBSCRIBERS,
          events: EVENTS,
          received,
          expected: SUBSCRIBERS * EVENTS,
          deliveredPerSecond: Math.round(received / seconds),
          p50Ms: Number(percentile(latencies, 50).toFixed(1)),
          p99Ms: Number(percentile(latencies, 99).toFixed(1)),
          routerRssBeforeMiB: Math.round(rssBefore / 2 ** 20),
          routerRssIdleMiB: Math.round(rssIdle / 2 ** 20),
          bytesPerIdleSubscriber: Math.round((rssIdle - rssBefore) / SUBSCRIBERS),
        },
        null,
        2,
      ),
    );
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    await stack.stop();
  }
}

await main();
