import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createClaimsSigner, createClaimsVerifier, forwardableClaims, parseClaimsKey } from "../src/claims-signing.ts";
import { encodeClaimsHeader } from "../src/claims-header.ts";

const router = generateKeyPairSync("ed25519");
const service = generateKeyPairSync("ed25519");
const T0 = 1_800_000_000_000;
const claims = encodeClaimsHeader({ id: "usr_0003", scopes: ["orders:read"], roles: ["customer"] });
const admin = encodeClaimsHeader({ id: "usr_0001", scopes: ["admin"], roles: ["admin"] });
const signedAt = (ms: number, key = router.privateKey) => createClaimsSigner(key, 60, () => ms);
const verifyAt = (ms: number) => createClaimsVerifier(router.publicKey, () => ms);
const headers = (claimsHeader: string, signature?: string) => ({
  "x-supergraph-claims": claimsHeader,
  ...(signature !== undefined && { "x-supergraph-claims-signature": signature }),
});

describe("claims signed by the router", () => {
  it("names the user the router signed for", () => {
    expect(verifyAt(T0)(headers(claims, signedAt(T0)(claims)))).toEqual({
      ok: true,
      caller: { id: "usr_0003", scopes: ["orders:read"], roles: ["customer"] },
    });
  });

  it("treats a request without claims as anonymous", () => {
    expect(verifyAt(T0)({})).toEqual({ ok: true, caller: null });
  });

  it("refuses claims no one signed, claims signed by another key, and claims swapped under a signature", () => {
    expect(verifyAt(T0)(headers(admin))).toMatchObject({ ok: false });
    expect(verifyAt(T0)(headers(admin, signedAt(T0, service.privateKey)(admin)))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not the router's/),
    });
    expect(verifyAt(T0)(headers(admin, signedAt(T0)(claims)))).toMatchObject({ ok: false });
    expect(verifyAt(T0)(headers(claims, "garbage"))).toMatchObject({ ok: false });
  });

  it("refuses claims after their expiry, which the signature covers", () => {
    const signature = signedAt(T0)(claims);
    expect(verifyAt(T0 + 60_000)(headers(claims, signature)).ok).toBe(true);
    expect(verifyAt(T0 + 61_000)(headers(claims, signature))).toMatchObject({ ok: false, reason: "expired claims" });
    const [, value] = signature.split(".");
    expect(verifyAt(T0 + 61_000)(headers(claims, `${Number(signature.split(".")[0]) + 3600}.${value}`))).toMatchObject({ ok: false });
  });

  it("remembers a checked pair, but never for another header or past its expiry", () => {
    let now = T0;
    const verify = createClaimsVerifier(router.publicKey, () => now);
    const signature = signedAt(T0)(claims);
    expect(verify(headers(claims, signature)).ok).toBe(true);
    expect(verify(headers(admin, signature))).toMatchObject({ ok: false });
    now = T0 + 61_000;
    expect(verify(headers(claims, signature))).toMatchObject({ ok: false, reason: "expired claims" });
  });

  it("reuses a user's signature for half its lifetime, then signs anew", () => {
    let now = T0;
    const sign = createClaimsSigner(router.privateKey, 60, () => now);
    const first = sign(claims);
    now = T0 + 29_000;
    expect(sign(claims)).toBe(first);
    expect(sign(admin)).not.toBe(first);
    now = T0 + 30_000;
    const renewed = sign(claims);
    expect(renewed).not.toBe(first);
    expect(Number(renewed.split(".")[0])).toBe(T0 / 1000 + 90);
  });

  it("reads keys as PEM or base64 DER, and only Ed25519 ones", () => {
    const pem = router.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const der = router.publicKey.export({ format: "der", type: "spki" }).toString("base64");
    const signature = createClaimsSigner(parseClaimsKey(pem, "private"), 60, () => T0)(claims);
    expect(createClaimsVerifier(parseClaimsKey(der, "public"), () => T0)(headers(claims, signature)).ok).toBe(true);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "pem", type: "spki" }).toString();
    expect(() => parseClaimsKey(ec, "public")).toThrow(/Ed25519/);
  });

  it("forwards exactly the router's claims and signature", () => {
    const signature = signedAt(T0)(claims);
    expect(forwardableClaims({ ...headers(claims, signature), authorization: "Bearer x" })).toEqual(headers(claims, signature));
    expect(forwardableClaims({})).toEqual({});
  });
});
