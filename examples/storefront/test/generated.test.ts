import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "@store/cli";
import { composeApiSchema } from "../scripts/api-schema.ts";

/**
 * The committed outputs of `npm run generate` match what the sources give now, so a subgraph schema
 * or operation change without regenerating fails here: schema.graphql and the manifest. (A stale
 * src/generated/ shows as a type error in `tsc -p examples/storefront` or a diff after `npm run codegen`.)
 */
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const committed = (file: string) => readFileSync(path.resolve(dir, file), "utf8");
const regenerate = "run `npm run generate -w @store/storefront` and commit the result";

describe("the storefront's generated files", () => {
  it("schema.graphql is the API schema composed from supergraph.yaml", async () => {
    expect(committed("schema.graphql"), regenerate).toBe(await composeApiSchema());
  }, 30_000); // composing takes a second or two, more on a busy machine

  it("persisted-operations.json is the manifest of operations/", async () => {
    let stdout = "";
    const io = { stdout: (text: string) => void (stdout += text), stderr: () => {}, env: {}, cwd: dir };
    expect(await run(["manifest", "operations"], io)).toBe(0);
    expect(committed("persisted-operations.json"), regenerate).toBe(stdout);
  });
});
