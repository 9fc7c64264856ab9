/**
 * Settings only products has, beyond the ones every subgraph shares (read by the service kit): none
 * yet, so every subgraph is built the same way, from its own settings.
 */
export type ProductsSettings = Record<string, never>;

export function loadProductsSettings(_env: NodeJS.ProcessEnv = process.env): ProductsSettings {
  return {};
}
