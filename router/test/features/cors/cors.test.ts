import { describe, expect, it } from "vitest";
import { corsSchema, createOriginCheck } from "../../../src/features/cors/cors.ts";

describe("CORS origin allowlist", () => {
  it("matches exact origins without case or a trailing part", () => {
    const allowed = createOriginCheck(["https://shop.example.com"]);
    expect(allowed("https://shop.example.com")).toBe(true);
    expect(allowed("HTTPS://Shop.Example.com")).toBe(true);
    expect(allowed("https://shop.example.com.evil.test")).toBe(false);
    expect(allowed("http://shop.example.com")).toBe(false);
    expect(allowed("null")).toBe(false);
  });

  it("lets `*` stand for subdomains or a port, never for another host", () => {
    const allowed = createOriginCheck(["https://*.example.com", "http://localhost:*"]);
    expect(allowed("https://a.example.com")).toBe(true);
    expect(allowed("https://a.b.example.com")).toBe(true);
    expect(allowed("https://example.com")).toBe(false);
    expect(allowed("https://evil.test/.example.com")).toBe(false);
    expect(allowed("https://evilexample.com")).toBe(false);
    expect(allowed("http://localhost:5173")).toBe(true);
    expect(allowed("http://localhost.evil.test:80")).toBe(false);
  });

  it("validates the section: origins only, no `*` with credentials", () => {
    expect(corsSchema.safeParse({ origins: ["https://shop.example.com/path"] }).success).toBe(false);
    expect(corsSchema.safeParse({ origins: ["*"], credentials: true }).success).toBe(false);
    expect(corsSchema.safeParse({ methods: ["DELETE"] }).success).toBe(false);
    expect(corsSchema.parse({}).origins).toBeUndefined();
    expect(corsSchema.parse({})).toMatchObject({ methods: ["GET", "POST"], credentials: false, maxAgeSeconds: 600 });
  });
});
