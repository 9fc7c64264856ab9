/**
 * The storefront's Apollo Client: HTTP to the router, the signed-in user's token on every request,
 * and, when given the trusted-documents manifest, operation ids in place of documents.
 */
import { ApolloClient, ApolloLink, HttpLink } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { getOperationAST } from "graphql";
import { createStorefrontCache } from "./cache.ts";
import { operationIds, type TrustedDocumentsManifest } from "./trusted-documents.ts";

export interface StorefrontClientOptions {
  /** The router's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** Send each operation as its manifest id only (for a router that runs trusted documents only). */
  manifest?: TrustedDocumentsManifest;
  /** The fetch to send requests with (default: the global one). */
  fetch?: typeof fetch;
}

export interface StorefrontClient {
  apollo: ApolloClient;
  /** Sends `Authorization: Bearer <token>` from now on (null signs out). */
  setToken(token: string | null): void;
}

export function createStorefrontClient(options: StorefrontClientOptions): StorefrontClient {
  let token: string | null = null;
  const auth = new SetContextLink((previous) => ({
    headers: { ...previous.headers, ...(token && { authorization: `Bearer ${token}` }) },
  }));
  const links: ApolloLink[] = [auth];
  if (options.manifest) {
    const idOf = operationIds(options.manifest);
    // The router of a trusted-documents deployment knows every id already: never fall back to sending the text.
    links.push(
      new PersistedQueryLink({
        generateHash: (document) => idOf(getOperationAST(document)?.name?.value ?? ""),
        retry: () => false,
        disable: () => false,
      }),
    );
  }
  links.push(new HttpLink({ uri: options.url, ...(options.fetch && { fetch: options.fetch }) }));
  return {
    apollo: new ApolloClient({ link: ApolloLink.from(links), cache: createStorefrontCache() }),
    setToken(next) {
      token = next;
    },
  };
}
