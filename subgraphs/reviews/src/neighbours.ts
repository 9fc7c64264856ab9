import { createUpstreamClients, type SubgraphClient } from "@store/service-kit";
import type { ReviewsSettings } from "./config.ts";

/** The services reviews asks before writing: does the product exist, who is the author. */
export interface Neighbours {
  products: SubgraphClient;
  accounts: SubgraphClient;
}

export function createNeighbours(settings: ReviewsSettings): Neighbours {
  return createUpstreamClients(
    { products: settings.productsUrl, accounts: settings.accountsUrl },
    { timeoutMs: settings.upstreamTimeoutMs, signers: settings.signers },
  );
}
