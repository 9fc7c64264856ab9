/** The router's published entry point: what the end-to-end tests and the bench build a router from. */
export { loadRouterConfig, type RouterConfig, type RouterConfigSources } from "./config.ts";
export { createRouter, SupergraphLoadError, type Router, type RunningRouter } from "./router.ts";
export { createExplorerHandler, loadExplorerFiles, type ExplorerFiles, type ExplorerHandler } from "./explorer.ts";
export { createRouterMetrics, type RouterMetrics } from "./metrics.ts";
export { createEntityCacheMetrics } from "./features/entity-cache/metrics.ts";
