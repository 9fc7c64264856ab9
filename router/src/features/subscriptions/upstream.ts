import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import {
  CLAIMS_HEADER,
  CLAIMS_SIGNATURE_HEADER,
  ROUTER_CALLER,
  createClaimsSigner,
  createRequestSigner,
  encodeClaimsHeader,
  routerSecretVariable,
  type Caller,
  type RequestSigner,
} from "@store/wire";
import { SUBSCRIPTION_CONNECT_BODY, type SignedSubscribe } from "@store/service-kit";
import type { SubgraphSigningConfig } from "../subgraph-signing/subgraph-signing.ts";
import type { UpstreamEvent } from "../../execution/subscription-plan.ts";

/** How an upstream subscription ends: refused by the subgraph (GraphQL errors), or its connection lost. */
export type UpstreamEnd = { kind: "refused"; errors: UpstreamEvent["errors"] } | { kind: "lost"; reason: string } | { kind: "complete" };

export interface UpstreamSink {
  next(event: UpstreamEvent): void;
  end(end: UpstreamEnd): void;
}

/**
 * The router's side of subgraph subscriptions: one graphql-ws connection per subgraph URL, shared
 * by every client's subscriptions to it (the subgraph's server is serveSubgraphSubscriptions in
 * service-kit). Each connection_init and each subscribe is signed as an HTTP request would be,
 * claims header included, and signed afresh when the router resubscribes.
 */
export function createUpstreams(signing: SubgraphSigningConfig | undefined) {
  const clients = new Map<string, Client>();
  const signers = new Map<string, RequestSigner | null>();
  const signClaims = signing?.enabled && signing.claimsKey ? createClaimsSigner(signing.claimsKey, signing.claimsTtlSeconds) : undefined;

  const signerFor = (subgraph: string) => {
    let signer = signers.get(subgraph);
    if (signer === undefined) {
      const secret = signing?.enabled ? signing.secrets[routerSecretVariable(subgraph)] : undefined;
      signers.set(subgraph, (signer = secret ? createRequestSigner(ROUTER_CALLER, secret) : null));
    }
    return signer;
  };

  const clientFor = (subgraph: string, httpUrl: string) => {
    const url = httpUrl.replace(/^http/, "ws");
    let client = clients.get(url);
    if (!client) {
      client = createClient({
        url,
        webSocketImpl: WebSocket,
        lazy: true,
        // The router resubscribes itself (run-subscription.ts), signing each attempt afresh.
        retryAttempts: 0,
        keepAlive: 10_000,
        connectionParams: () => {
          const signer = signerFor(subgraph);
          return signer ? { headers: signer(SUBSCRIPTION_CONNECT_BODY) } : {};
        },
      });
      clients.set(url, client);
    }
    return client;
  };

  return {
    /** Subscribes at the subgraph as `caller`; returns the function that ends it. */
    subscribe(
      subgraph: string,
      httpUrl: string,
      request: { query: string; variables: Record<string, unknown>; operationName?: string },
      caller: Caller | null,
      requestId: string,
      sink: UpstreamSink,
    ): () => void {
      const body = JSON.stringify(request);
      const headers: Record<string, string> = { "x-request-id": requestId };
      if (caller) {
        headers[CLAIMS_HEADER] = encodeClaimsHeader(caller);
        if (signClaims) headers[CLAIMS_SIGNATURE_HEADER] = signClaims(headers[CLAIMS_HEADER]);
      }
      const signer = signerFor(subgraph);
      if (signer) Object.assign(headers, signer(body, headers[CLAIMS_HEADER]));
      const signed: SignedSubscribe = { body, headers };
      let ended = false;
      const end = (value: UpstreamEnd) => {
        if (ended) return;
        ended = true;
        sink.end(value);
      };
      return clientFor(subgraph, httpUrl).subscribe(
        { ...request, extensions: { signed } },
        {
          next: (event) => {
            if (!ended) sink.next(event as UpstreamEvent);
          },
          error: (error: unknown) => {
            if (Array.isArray(error)) end({ kind: "refused", errors: error });
            else
              end({
                kind: "lost",
                reason: error instanceof Error ? error.message : `connection closed (${(error as { code?: number })?.code ?? "unknown"})`,
              });
          },
          complete: () => end({ kind: "complete" }),
        },
      );
    },
    async close() {
      await Promise.all([...clients.values()].map((client) => client.dispose()));
      clients.clear();
    },
  };
}

export type Upstreams = ReturnType<typeof createUpstreams>;
