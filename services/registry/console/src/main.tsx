import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import "./console.css";
import { ApiError, get, token } from "./api.ts";
import { ChecksPage } from "./pages/checks.tsx";
import { HistoryPage } from "./pages/history.tsx";
import { PolicyPage } from "./pages/policy.tsx";
import { SearchPage } from "./pages/search.tsx";
import { SubgraphsPage } from "./pages/subgraphs.tsx";
import { UsagePage } from "./pages/usage.tsx";

/** The registry console: one page per hash route (#/subgraphs, #/history, ...), read with the token the person signs in with. */

const PAGES = [
  { route: "subgraphs", label: "Subgraphs" },
  { route: "history", label: "History" },
  { route: "checks", label: "Checks" },
  { route: "usage", label: "Usage" },
  { route: "policy", label: "Policy" },
  { route: "search", label: "Search" },
] as const;

function useRoute() {
  const read = () => {
    const [route = "subgraphs", query = ""] = location.hash.replace(/^#\/?/, "").split("?");
    return { route, params: new URLSearchParams(query) };
  };
  const [current, setCurrent] = useState(read);
  useEffect(() => {
    const onChange = () => setCurrent(read());
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return current;
}

/** Asks for a team or viewer token and checks it against the registry before keeping it. */
function SignIn({ onSignedIn, reason }: { onSignedIn: () => void; reason?: string }) {
  const [value, setValue] = useState("");
  const [error, setError] = useState(reason ?? "");
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await get("/v1/subgraphs", value.trim());
      token.set(value.trim());
      onSignedIn();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? "The registry does not accept this token." : (e as Error).message);
    }
  };
  return (
    <form class="card signin" onSubmit={submit}>
      <h2>Sign in</h2>
      <p>Paste a team or viewer token of this registry. It is kept in this tab only.</p>
      <input
        type="password"
        aria-label="Registry token"
        autocomplete="off"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Sign in</button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(!!token.get());
  const { route, params } = useRoute();
  const page = PAGES.find((p) => p.route === route) ?? PAGES[0];
  const signOut = () => {
    token.clear();
    setSignedIn(false);
  };
  return (
    <>
      <header>
        <h1>Registry console</h1>
        {signedIn ? (
          <nav>
            {PAGES.map((p) => (
              <a key={p.route} href={`#/${p.route}`} class={p === page ? "active" : ""}>
                {p.label}
              </a>
            ))}
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          </nav>
        ) : null}
      </header>
      <main>
        {!signedIn ? (
          <SignIn onSignedIn={() => setSignedIn(true)} />
        ) : page.route === "history" ? (
          <HistoryPage subgraph={params.get("subgraph") ?? undefined} />
        ) : page.route === "checks" ? (
          <ChecksPage />
        ) : page.route === "usage" ? (
          <UsagePage />
        ) : page.route === "policy" ? (
          <PolicyPage />
        ) : page.route === "search" ? (
          <SearchPage />
        ) : (
          <SubgraphsPage />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
