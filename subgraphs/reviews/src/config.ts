import type { RequestSigner } from "@store/wire";
import { loadServiceSigners, parseConfig } from "@store/service-kit";
import { z } from "zod";

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * Settings of the reviews service beyond the ones every subgraph shares (PORT, REVIEWS_DATABASE_URL,
 * ... are read by service-kit). Parsed once at start; every problem is listed on failure.
 */
const reviewsSettingsSchema = z
  .object({
    /** GraphQL endpoint of the products subgraph, asked whether a reviewed product exists. */
    REVIEWS_PRODUCTS_URL: httpUrl.default("http://127.0.0.1:4002/graphql"),
    /** GraphQL endpoint of the accounts subgraph, asked for the author's id and username. */
    REVIEWS_ACCOUNTS_URL: httpUrl.default("http://127.0.0.1:4001/graphql"),
    /** Milliseconds to wait for either of them before answering SERVICE_UNAVAILABLE. Default 5000. */
    REVIEWS_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(5000),
  })
  .transform((env) => ({
    productsUrl: env.REVIEWS_PRODUCTS_URL,
    accountsUrl: env.REVIEWS_ACCOUNTS_URL,
    upstreamTimeoutMs: env.REVIEWS_UPSTREAM_TIMEOUT_MS,
  }));

export type ReviewsSettings = z.output<typeof reviewsSettingsSchema> & {
  /** Reviews' own credentials for its calls (SUBGRAPH_SECRET_PRODUCTS_FROM_REVIEWS, SUBGRAPH_SECRET_ACCOUNTS_FROM_REVIEWS). */
  signers?: { products?: RequestSigner; accounts?: RequestSigner };
};

/** Reads the reviews settings from `env`; throws a ConfigError listing every problem. */
export function loadReviewsSettings(env: NodeJS.ProcessEnv = process.env): ReviewsSettings {
  return { ...parseConfig(reviewsSettingsSchema, env, "reviews"), signers: loadServiceSigners("reviews", ["products", "accounts"], env) };
}
