/**
 * What the router tells the page, as JSON in <script id="explorer-config">: rendered per router
 * config so that one bundle serves every deployment.
 */
export interface PageConfig {
  /** The GraphQL endpoint, relative to the page (the router serves both). */
  endpoint: string;
  /** Which landing page GET /graphql serves to browsers; the explorer links to Sandbox when it is on. */
  landingPage: "sandbox" | "explorer" | false;
  /** Credentials for the "Use demo user" button (development only). */
  demoUser?: { username: string; password: string };
}

export function readPageConfig(doc: Document): PageConfig {
  const fallback: PageConfig = { endpoint: "graphql", landingPage: false };
  const text = doc.getElementById("explorer-config")?.textContent;
  if (!text) return fallback;
  try {
    return { ...fallback, ...(JSON.parse(text) as Partial<PageConfig>) };
  } catch {
    return fallback;
  }
}
