import { describe, expect, it } from "vitest";
import { pagedLoaderKey } from "../src/paged-loader-key.ts";

describe("pagedLoaderKey", () => {
  it("is equal for equal parents and page arguments, and differs when either differs", () => {
    const page = { take: 11, after: ["2026-01-01T00:00:00.000Z", "ord_1"] };
    expect(pagedLoaderKey(page, "usr_1")).toBe(pagedLoaderKey({ take: 11, after: ["2026-01-01T00:00:00.000Z", "ord_1"] }, "usr_1"));
    expect(pagedLoaderKey(page, "usr_1")).not.toBe(pagedLoaderKey(page, "usr_2"));
    expect(pagedLoaderKey(page)).not.toBe(pagedLoaderKey({ take: 6, after: page.after }));
    expect(pagedLoaderKey({ take: 11, after: null })).not.toBe(pagedLoaderKey(page));
  });
});
