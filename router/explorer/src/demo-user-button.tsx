import { useState } from "react";
import { ToolbarButton, useGraphiQL } from "@graphiql/react";
import { buildLoginRequest, withBearer } from "./login.ts";

function KeyIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true" className="graphiql-toolbar-icon">
      <circle cx="8" cy="15" r="4" />
      <path d="M11 12l9-9M17 6l3 3M15 8l2 2" />
    </svg>
  );
}

/**
 * "Use demo user": signs in as the configured demo user through the graph's own login mutation
 * and puts the token in the headers editor. Hidden unless the schema has `Mutation.login`.
 */
export function DemoUserButton({ endpoint, demoUser }: { endpoint: string; demoUser?: { username: string; password: string } }) {
  const { schema, headerEditor } = useGraphiQL((state) => ({ schema: state.schema, headerEditor: state.headerEditor }));
  const [status, setStatus] = useState<string>();
  const request = demoUser ? buildLoginRequest(schema, demoUser) : undefined;
  if (!request || !demoUser) return null;

  const signIn = async () => {
    setStatus("Signing in…");
    try {
      const response = await fetch(new URL(endpoint, document.baseURI), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: request.query }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
      const token = request.token(body.data);
      if (!token) throw new Error(body.errors?.[0]?.message ?? "no token in the response");
      headerEditor?.setValue(withBearer(headerEditor.getValue(), token));
      setStatus(`Signed in as ${demoUser.username}: the token is in the Headers tab`);
    } catch (error) {
      setStatus(`Demo sign-in failed: ${(error as Error).message}`);
    }
  };

  return (
    <ToolbarButton label={status ?? `Use demo user (${demoUser.username})`} onClick={signIn} className="store-demo-user">
      <KeyIcon />
    </ToolbarButton>
  );
}
