import { describe, expect, it } from "vitest";
import { createRequestSigner, createRequestVerifier } from "../src/request-signing.ts";

const ROUTER_SECRET = "router-secret-for-inventory-0123456789";
const ORDERS_SECRET = "orders-secret-for-inventory-0123456789";
const T0 = 1_800_000_000_000;
const body = JSON.stringify({ query: "{ warehouses { id } }", variables: {} });

const verifierAt = (ms: number, maxAgeSeconds = 60) =>
  createRequestVerifier({ credentials: { router: ROUTER_SECRET, orders: ORDERS_SECRET }, maxAgeSeconds, now: () => ms });
const signedAt = (ms: number, caller = "router", secret = ROUTER_SECRET) => createRequestSigner(caller, secret, () => ms);

describe("request signing", () => {
  it("accepts what the router signed, and says who signed", () => {
    const headers = signedAt(T0)(body, "eyJzdWIiOiJ1c3JfMDAwMSJ9");
    expect(headers["x-supergraph-signature"]).toMatch(/^v2=[0-9a-f]{64}$/);
    expect(verifierAt(T0 + 2_000)({ ...headers, "x-supergraph-claims": "eyJzdWIiOiJ1c3JfMDAwMSJ9" }, body)).toEqual({
      ok: true,
      caller: "router",
      nonce: headers["x-supergraph-nonce"],
    });
  });

  it("tells a trusted service from the router by its own credential", () => {
    const headers = signedAt(T0, "orders", ORDERS_SECRET)(body);
    expect(verifierAt(T0)(headers, body)).toEqual({ ok: true, caller: "orders", nonce: headers["x-supergraph-nonce"] });
    // A service cannot pass for the router with its own secret, nor name a caller it is not.
    expect(verifierAt(T0)({ ...headers, "x-supergraph-caller": "router" }, body)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not match/),
    });
    expect(verifierAt(T0)(signedAt(T0, "reviews", ORDERS_SECRET)(body), body)).toMatchObject({
      ok: false,
      reason: 'Caller "reviews" is not trusted by this subgraph.',
    });
  });

  it("refuses unsigned requests", () => {
    expect(verifierAt(T0)({}, body)).toMatchObject({ ok: false, reason: expect.stringMatching(/only answers signed requests/) });
  });

  it("gives every signed request a nonce of its own, covered by the signature", () => {
    const sign = signedAt(T0);
    const [a, b] = [sign(body), sign(body)];
    expect(a["x-supergraph-nonce"]).not.toBe(b["x-supergraph-nonce"]);
    expect(verifierAt(T0)({ ...a, "x-supergraph-nonce": b["x-supergraph-nonce"] }, body)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not match/),
    });
    const { "x-supergraph-nonce": _, ...withoutNonce } = a;
    expect(verifierAt(T0)(withoutNonce, body)).toMatchObject({ ok: false, reason: expect.stringMatching(/nonce/) });
  });

  it("refuses a tampered body, timestamp or claims header", () => {
    const headers = signedAt(T0)(body, "claims-a");
    const verify = verifierAt(T0);
    expect(verify({ ...headers, "x-supergraph-claims": "claims-a" }, body).ok).toBe(true);
    expect(verify({ ...headers, "x-supergraph-claims": "claims-a" }, body.replace("warehouses", "stockLevels"))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not match/),
    });
    expect(verify({ ...headers, "x-supergraph-claims": "claims-b" }, body)).toMatchObject({ ok: false });
    expect(verify({ ...headers }, body)).toMatchObject({ ok: false });
    expect(verify({ ...headers, "x-supergraph-claims": "claims-a", "x-supergraph-timestamp": String(T0 / 1000 + 1) }, body)).toMatchObject({
      ok: false,
    });
  });

  it("refuses a signature made with another secret", () => {
    const forged = signedAt(T0, "router", "an-attacker-guessed-secret-0123456789")(body);
    expect(verifierAt(T0)(forged, body)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
  });

  it("refuses a replay later than the window and a timestamp from the future", () => {
    const headers = signedAt(T0)(body);
    expect(verifierAt(T0 + 60_000)(headers, body).ok).toBe(true);
    expect(verifierAt(T0 + 61_000)(headers, body)).toMatchObject({
      ok: false,
      reason: "The request signature expired (signed 61 s ago; at most 60 s are accepted).",
    });
    expect(verifierAt(T0 + 11_000, 10)(headers, body)).toMatchObject({ ok: false });
    expect(verifierAt(T0 - 5_000)(headers, body).ok).toBe(true);
    expect(verifierAt(T0 - 30_000)(headers, body)).toMatchObject({ ok: false, reason: "The request timestamp is 30 s in the future." });
  });

  it("refuses malformed signatures and timestamps without throwing", () => {
    const headers = signedAt(T0)(body);
    const verify = verifierAt(T0);
    expect(verify({ ...headers, "x-supergraph-signature": "v2=abc" }, body)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/malformed/),
    });
    expect(verify({ ...headers, "x-supergraph-signature": `v1=${"0".repeat(64)}` }, body)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/malformed/),
    });
    expect(verify({ ...headers, "x-supergraph-timestamp": "soon" }, body)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Unix seconds/),
    });
    expect(verify({ ...headers, "x-supergraph-signature": ["a", "b"] }, body)).toMatchObject({ ok: false });
  });
});
