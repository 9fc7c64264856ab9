import { z } from "zod";

/**
 * `limits`: the shape an operation may have, checked after parsing and before the router plans it
 * or calls any subgraph. The defaults leave room for every store operation and for the
 * introspection queries of GraphiQL and Apollo Sandbox (depth 15), in both modes.
 */
export const limitsConfigSchema = z
  .object({
    /** Off: no per-operation checks at all (the batch size below still holds). */
    enabled: z.boolean().default(true),
    /** Deepest chain of fields; a root field is depth 1, fragments add none. */
    maxDepth: z.number().int().positive().default(20),
    /** Aliased fields in one operation, counted wherever a fragment holding them is spread. */
    maxAliases: z.number().int().nonnegative().default(30),
    /** Fields selected on the root type (Query or Mutation), through fragments. */
    maxRootFields: z.number().int().positive().default(20),
    /** Lexical tokens in the document, enforced by graphql-js's parser as it reads (comments do not count). */
    maxTokens: z.number().int().positive().default(5_000),
    /** Size of the document (the `query` text) in UTF-8 bytes; server.maxBodyBytes bounds the whole body. */
    maxDocumentBytes: z.number().int().positive().default(65_536),
    /**
     * Operations one HTTP request may batch (a JSON array body, as Apollo Client's BatchHttpLink
     * sends). Each one meets every limit, the cost limit and the rate limits on its own. 0: batching off.
     */
    maxBatchedOperations: z.number().int().nonnegative().default(10),
  })
  .strict()
  .prefault({});

export type LimitsConfig = z.output<typeof limitsConfigSchema>;
