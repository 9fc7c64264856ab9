/**
 * The store explorer: GraphiQL with the query-builder and docs panels and the store's example
 * operations, bundled by explorer/build.ts and served by the router at /explorer.
 */
import "./monaco-workers.ts"; // before GraphiQL loads Monaco
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL, HISTORY_PLUGIN } from "graphiql";
import { explorerPlugin } from "@graphiql/plugin-explorer";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";
import "./explorer.css";
import { DemoUserButton } from "./demo-user-button.tsx";
import { EXAMPLES_PLUGIN_TITLE, examplesPlugin } from "./examples-plugin.tsx";
import { readPageConfig } from "./page-config.ts";
import { isFirstVisit, namespacedStorage } from "./storage.ts";

const config = readPageConfig(document);
const examples = __EXPLORER_EXAMPLES__;
const endpoint = new URL(config.endpoint, document.baseURI).href;
// The deferSpec the router streams @defer in (plain multipart/mixed gets one merged response).
const fetcher = createGraphiQLFetcher({ url: endpoint, headers: { accept: "multipart/mixed;deferSpec=20220824, application/json" } });
const plugins = [examplesPlugin(examples), explorerPlugin({ showAttribution: false }), HISTORY_PLUGIN];
const storage = namespacedStorage();
// GraphiQL restores saved tabs; only a first visit opens on the first example, variables filled in.
const first = isFirstVisit(storage) ? examples[0] : undefined;

const DEFAULT_HEADERS = `{
  // Requests as a signed-in user carry a token:
  // "Authorization": "Bearer <token>"
}`;

function Explorer() {
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      visiblePlugin={EXAMPLES_PLUGIN_TITLE}
      storage={storage}
      initialQuery={first?.query}
      initialVariables={first?.variables}
      defaultHeaders={DEFAULT_HEADERS}
      defaultEditorToolsVisibility="variables"
      shouldPersistHeaders={false}
    >
      <GraphiQL.Logo>
        <span className="store-logo">Store explorer</span>
      </GraphiQL.Logo>
      <GraphiQL.Toolbar>
        {({ prettify, merge, copy }) => (
          <>
            {prettify}
            {merge}
            {copy}
            <DemoUserButton endpoint={config.endpoint} demoUser={config.demoUser} />
          </>
        )}
      </GraphiQL.Toolbar>
      {config.landingPage === "sandbox" && (
        <GraphiQL.Footer>
          <a className="store-sandbox-link" href={config.endpoint}>
            Open Apollo Sandbox instead (loads from Apollo&apos;s CDN)
          </a>
        </GraphiQL.Footer>
      )}
    </GraphiQL>
  );
}

createRoot(document.getElementById("explorer")!).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
