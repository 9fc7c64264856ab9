/** One documented example operation, as the build embeds it in the explorer bundle. */
export interface ExampleOperation {
  /** From the file name without its order prefix, e.g. "product-page". */
  id: string;
  title: string;
  /** The subgraphs the router calls to answer it. */
  subgraphs: string[];
  description: string;
  operationName: string;
  kind: "query" | "mutation";
  /** The operation's text, its documenting comment included. */
  query: string;
  /** Pretty-printed JSON, "" when the operation takes none. */
  variables: string;
}
