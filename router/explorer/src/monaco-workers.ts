/**
 * Monaco runs its language services in web workers. GraphiQL's own setups load them from a CDN
 * (esm.sh) or rely on a bundler's worker syntax; ours are separate bundles the build puts next to
 * this one, so the page never reaches beyond the router that serves it.
 */
const files = __MONACO_WORKERS__;

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    const file = label === "json" ? files.json : label === "graphql" ? files.graphql : files.editor;
    return new Worker(new URL(file, import.meta.url), { name: `monaco-${label}` });
  },
};
