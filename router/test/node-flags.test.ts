import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const routerDir = path.resolve(import.meta.dirname, "..");

describe("the router's node flags", () => {
  it("are the ones the built router's start script passes, so every way of running it tunes V8 alike", () => {
    const { flags } = JSON.parse(readFileSync(path.join(routerDir, "node-flags.json"), "utf8")) as { flags: string[] };
    expect(flags.length).toBeGreaterThan(0);
    const { scripts } = JSON.parse(readFileSync(path.join(routerDir, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(scripts["start:built"]).toBe(`node ${flags.join(" ")} dist/main.mjs`);
  });
});
