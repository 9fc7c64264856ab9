import type { GraphiQLPlugin } from "@graphiql/react";
import { useGraphiQL, useGraphiQLActions } from "@graphiql/react";
import type { ExampleOperation } from "./examples.ts";

export const EXAMPLES_PLUGIN_TITLE = "Examples";

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5v-15Z" />
      <path d="M4 20.5A2.5 2.5 0 0 0 6.5 23H20v-5" />
      <path d="M8 8h8M8 11.5h6" />
    </svg>
  );
}

/**
 * Opens an example in its own tab (or switches to the tab already holding it), with its
 * variables filled in, ready to run.
 */
function useOpenExample() {
  const { tabs, activeTabIndex, queryEditor, variableEditor } = useGraphiQL((state) => ({
    tabs: state.tabs,
    activeTabIndex: state.activeTabIndex,
    queryEditor: state.queryEditor,
    variableEditor: state.variableEditor,
  }));
  const { addTab, changeTab, setOperationName } = useGraphiQLActions();
  return (example: ExampleOperation) => {
    const open = tabs.findIndex((tab) => tab.query?.trim() === example.query.trim());
    if (open !== -1) {
      if (open !== activeTabIndex) changeTab(open);
      return;
    }
    // An empty tab is reused rather than left behind.
    if (queryEditor?.getValue().trim()) addTab();
    queryEditor?.setValue(example.query);
    variableEditor?.setValue(example.variables);
    // GraphiQL reads the operation name from the editor only after a pause: set it now, so running at
    // once runs this example and not the one the tab held before.
    setOperationName(example.operationName);
  };
}

function ExamplesPanel({ examples }: { examples: ExampleOperation[] }) {
  const openExample = useOpenExample();
  return (
    <div className="store-examples">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p className="store-examples-intro">
        Operations a store frontend starts with. Pick one to open it with its variables, then run it with the ▶ button.
      </p>
      <ul>
        {examples.map((example) => (
          <li key={example.id}>
            <button type="button" className="store-example" data-example={example.id} onClick={() => openExample(example)}>
              <span className="store-example-title">
                {example.title}
                {example.kind === "mutation" && <span className="store-example-kind">mutation</span>}
              </span>
              <span className="store-example-subgraphs">{example.subgraphs.join(" · ")}</span>
              <span className="store-example-description">{example.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function examplesPlugin(examples: ExampleOperation[]): GraphiQLPlugin {
  return {
    title: EXAMPLES_PLUGIN_TITLE,
    icon: ExamplesIcon,
    content: () => <ExamplesPanel examples={examples} />,
  };
}
