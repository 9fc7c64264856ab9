import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { composeFromSources, readSupergraphConfig } from "@store/composition";
import { run } from "../src/cli.ts";
import { buildManifest } from "../src/manifest.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "manifest-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function cli(args: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const code = await run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd });
  return { code, stdout, stderr };
}

/** The store's own supergraph, composed from the repository's subgraphs. */
async function storeSupergraph(dir: string): Promise<void> {
  const composed = await composeFromSources((await readSupergraphConfig(path.join(repoRoot, "supergraph.yaml"))).subgraphs);
  if (!composed.ok) throw new Error("the store's subgraphs do not compose");
  writeFileSync(path.join(dir, "supergraph.graphql"), composed.supergraphSdl);
}

describe("supergraph manifest", () => {
  it("writes one entry per named operation, with the fragments it uses and the sha256 of its body as id", async () => {
    const dir = folder({
      "product.graphql": `# the product page\nquery ProductPage($sku: String!) { product(sku: $sku) { ...ProductFields } }`,
      "fragments/product.gql": `fragment ProductFields on Product { sku name }\nfragment Unused on Product { sku }`,
      "notes.txt": "not an operation",
    });
    const { code, stdout, stderr } = await cli(["manifest", ".", "-o", "manifest.json"], dir);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 operation\(s\) from 2 file\(s\), written to manifest\.json/);
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ format: "apollo-persisted-query-manifest", version: 1 });
    const [entry] = manifest.operations;
    expect(entry).toMatchObject({ name: "ProductPage", type: "query" });
    expect(entry.body).toBe(
      "query ProductPage($sku: String!) {\n  product(sku: $sku) {\n    ...ProductFields\n  }\n}\n\nfragment ProductFields on Product {\n  sku\n  name\n}",
    );
    expect(entry.id).toBe(createHash("sha256").update(entry.body).digest("hex"));
  });

  it("reports duplicate names, parse errors, anonymous operations and unknown fragments with file:line:column, and writes nothing", async () => {
    const dir = folder({
      "a.graphql": 'query Same { product(sku: "1") { sku } }',
      "b.graphql": '\n\nquery Same { product(sku: "2") { sku } }',
      "broken.graphql": 'query Broken {\n  product(sku: "1") {\n    sku\n',
      "anon.graphql": '{ product(sku: "1") { ...Missing } }\nquery UsesMissing { product(sku: "1") { ...Missing } }',
      "dup-fragment.graphql": "fragment F on Product { sku }\nfragment F on Product { name }",
    });
    const { code, stderr } = await cli(["manifest", ".", "-o", "manifest.json"], dir);
    expect(code).toBe(1);
    expect(stderr.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l))).toEqual([
      "anon.graphql:1:1: anonymous operation: give it a name (the manifest and the router's metrics know operations by name)",
      "anon.graphql:2:41: unknown fragment Missing",
      "b.graphql:3:1: operation Same is also defined at a.graphql:1:1",
      expect.stringMatching(/^broken\.graphql:4:1: does not parse: Expected Name, found <EOF>/),
      "dup-fragment.graphql:2:1: fragment F is also defined at dup-fragment.graphql:1:1",
    ]);
    expect(stderr).toMatch(/5 problem\(s\) in \.; manifest\.json was not written/);
    expect(() => readFileSync(path.join(dir, "manifest.json"))).toThrow();
  });

  it("validates the operations against a supergraph's API when given one", async () => {
    const dir = folder({ "ops.graphql": 'query Good { product(sku: "1") { sku } }\nquery Bad {\n  product(sku: "1") { cost }\n}' });
    const schemaDir = folder({});
    await storeSupergraph(schemaDir);
    const { code, stdout } = await cli(["manifest", ".", "--supergraph", path.join(schemaDir, "supergraph.graphql"), "--json"], dir);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      ok: false,
      problems: [{ file: "ops.graphql", line: 3, column: 23, message: 'Cannot query field "cost" on type "Product".' }],
    });
    // The explorer's examples are valid against the store's graph.
    const explorer = await cli(
      ["manifest", path.join(repoRoot, "router", "explorer", "operations"), "--supergraph", "supergraph.graphql", "--json"],
      schemaDir,
    );
    expect(JSON.parse(explorer.stdout)).toMatchObject({ ok: true, operations: 10 });
    // A schema file among the operations is one problem, not one per type.
    writeFileSync(path.join(dir, "schema.graphql"), "type A { a: Int }\ntype B { b: Int }");
    const mixed = JSON.parse((await cli(["manifest", ".", "--json"], dir)).stdout);
    expect(mixed.problems).toEqual([
      {
        file: "schema.graphql",
        line: 1,
        column: 1,
        message: "ObjectTypeDefinition is not an operation or a fragment: operation files hold executable documents only",
      },
    ]);
  });

  it("says what is wrong with its arguments", async () => {
    const dir = folder({});
    expect((await cli(["manifest"], dir)).code).toBe(2);
    expect((await cli(["manifest", "missing-folder"], dir)).stderr).toMatch(/Cannot read the folder missing-folder: ENOENT/);
    expect((await cli(["manifest", ".", "--supergraph", "nope.graphql"], dir)).stderr).toMatch(/Cannot read nope\.graphql/);
  });

  it("keeps the explorer's demo manifest in step with its example operations", async () => {
    const { manifest, problems } = await buildManifest(path.join(repoRoot, "router", "explorer", "operations"));
    expect(problems).toEqual([]);
    // Regenerate with: npm run manifest:explorer -w @store/router
    expect(JSON.parse(readFileSync(path.join(repoRoot, "router", "explorer", "persisted-operations.json"), "utf8"))).toEqual(manifest);
  });
});
