import type { ExampleOperation } from "./examples.ts";

declare global {
  /** Injected by explorer/build.ts from operations/. */
  const __EXPLORER_EXAMPLES__: ExampleOperation[];
  /** File names of the Monaco worker bundles, next to the main bundle. */
  const __MONACO_WORKERS__: { editor: string; json: string; graphql: string };
}
