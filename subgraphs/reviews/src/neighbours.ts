import { createSubgraphClient, type SubgraphClient } from "@store/service-kit";
import type { ReviewsSettings } from "./config.ts";

/** The services reviews asks before writing: does the product exist, who is the author. */
export interface Neighbours {
  products: SubgraphClient;
  accounts: SubgraphClient;
}

export function createNeighbours(settings: ReviewsSettings): Neighbours {
  return {
    products: createSubgraphClient({
      name: "products",
      url: settings.productsUrl,
      timeoutMs: settings.upstreamTimeoutMs,
      signer: settings.signers?.products,
    }),
    accounts: createSubgraphClient({
      name: "accounts",
      url: settings.accountsUrl,
      timeoutMs: settings.upstreamTimeoutMs,
      signer: settings.signers?.accounts,
    }),
  };
}
