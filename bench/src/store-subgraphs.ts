import path from "node:path";
import { startStack } from "@store/stack";

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const SUBGRAPHS = ["accounts", "products", "inventory", "reviews", "orders"] as const;

/**
 * The store's five subgraphs for a bench workload, without a router: production mode, each on its
 * own fresh PGlite under `workDir` (named after the workload), migrated and seeded on start. Requests
 * go unsigned, since the stock gateway cannot sign them and both gateways must call the same subgraphs.
 */
export function startStoreSubgraphs(options: { workDir: string; workload: string; jwtSecret: string; seedEnv?: NodeJS.ProcessEnv }) {
  const { workDir, workload, jwtSecret, seedEnv = {} } = options;
  return startStack({
    jwtSecret,
    repoRoot,
    ports: "random",
    withRouter: false,
    requestSigning: false,
    subgraphEnv: Object.fromEntries(
      SUBGRAPHS.map((n) => [n, { [`${n.toUpperCase()}_DATABASE_URL`]: `file:${path.join(workDir, `${workload}-${n}`)}` }]),
    ),
    env: { NODE_ENV: "production", MIGRATE_ON_START: "true", SEED_ON_START: "true", LOG_LEVEL: "warn", ...seedEnv },
    supergraphOut: path.join(workDir, `${workload}.graphql`),
    logs: { kind: "directory", dir: path.join(workDir, `${workload}-logs`) },
  });
}
