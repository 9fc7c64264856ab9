import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_TOKENS, startTestRegistry, type TestRegistry } from "@store/registry/testing";
import { run } from "../src/cli.ts";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
let registry: TestRegistry;
let dir: string;
let accountsSdl: string;

/** Runs the CLI in-process as a user would from the repo root, with the output captured. */
async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { SUPERGRAPH_REGISTRY_URL: registry.url, SUPERGRAPH_TOKEN: TEST_TOKENS.identity, ...env },
    cwd: repoRoot,
  });
  return { code, stdout, stderr };
}

async function schemaFile(name: string, sdl: string) {
  const file = path.join(dir, `${name}.graphql`);
  await writeFile(file, sdl);
  return file;
}

const accountsWithout = (field: string) => accountsSdl.replace(new RegExp(`(\\n\\s*"[^"\\n]*")?\\n\\s*${field}: [^\\n]+`), "");

async function supergraphVersion() {
  const { stdout } = await cli(["list", "--json"]);
  return JSON.parse(stdout).supergraph.version as number;
}

beforeAll(async () => {
  registry = await startTestRegistry();
  dir = await mkdtemp(path.join(tmpdir(), "supergraph-cli-"));
  accountsSdl = await readFile(path.join(repoRoot, "subgraphs/accounts/schema.graphql"), "utf8");
});

afterAll(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("supergraph CLI against a registry", () => {
  it("list shows every subgraph with its owner and current version, as text and as JSON", async () => {
    const text = await cli(["list"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^accounts\s+identity\s+1 of 1/m);
    expect(text.stdout).toMatch(/^reviews\s+community\s+1 of 1/m);
    expect(text.stdout).toMatch(/Supergraph version 1 /);
    const json = await cli(["list", "--json"]);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.subgraphs).toHaveLength(5);
    expect(parsed.subgraphs.find((s: { name: string }) => s.name === "orders")).toMatchObject({ team: "checkout", currentVersion: 1 });
  });

  it("check and publish reject a change that does not compose (exit 1), naming subgraph, type and field", async () => {
    const before = await supergraphVersion();
    const reviews = await readFile(path.join(repoRoot, "subgraphs/reviews/schema.graphql"), "utf8");
    const file = await schemaFile(
      "reviews-broken",
      `${reviews}\nextend type Product @key(fields: "id") { weightGrams: String @shareable }\n`,
    );
    const check = await cli(["check", "reviews", "--schema", file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/subgraph "reviews" does not compose/);
    expect(check.stdout).toMatch(/FIELD_TYPE_MISMATCH.*Product\.weightGrams.*"products".*"reviews"/);
    expect(check.stdout).toMatch(/at reviews:\d+:\d+/);

    const publish = await cli(["publish", "reviews", "--schema", file, "--json"], { SUPERGRAPH_TOKEN: TEST_TOKENS.community });
    expect(publish.code).toBe(1);
    const body = JSON.parse(publish.stdout);
    expect(body.error.code).toBe("COMPOSITION_FAILED");
    expect(body.check.composition.errors.length).toBeGreaterThan(0);
    expect(await supergraphVersion()).toBe(before);
  });

  it("reports removing a used field as breaking, naming the operation and client (exit 1)", async () => {
    const usage = await fetch(`${registry.url}/v1/usage`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKENS.router}`, "content-type": "application/json" },
      body: JSON.stringify({
        reports: [
          {
            operationName: "CheckoutContact",
            clientName: "web-shop",
            clientVersion: "7.1.0",
            identifiedBy: "token",
            coordinates: ["Query.me", "User.email"],
            count: 12,
          },
        ],
      }),
    });
    expect(usage.status).toBe(202);
    const file = await schemaFile("accounts-no-email", accountsWithout("email"));
    const before = await supergraphVersion();

    const check = await cli(["check", "accounts", "--schema", file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/BREAKING\s+User\.email: The field User\.email was removed/);
    expect(check.stdout).toMatch(/used by CheckoutContact \(client web-shop 7\.1\.0\): 12 requests/);

    const json = await cli(["check", "accounts", "--schema", file, "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).affectedOperations).toMatchObject([
      { operationName: "CheckoutContact", clientName: "web-shop", count: 12 },
    ]);

    const publish = await cli(["publish", "accounts", "--schema", file]);
    expect(publish.code).toBe(1);
    expect(publish.stdout).toMatch(/Nothing was published/);
    expect(publish.stderr).toMatch(/BREAKING_CHANGE: .*CheckoutContact \(web-shop\)/);
    expect(await supergraphVersion()).toBe(before);
  });

  it("publishes the removal of an unused field as the next version (exit 0); diff shows it", async () => {
    const before = await supergraphVersion();
    const file = await schemaFile("accounts-no-created", accountsWithout("createdAt"));
    const check = await cli(["check", "accounts", "--schema", file]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/✓ subgraph "accounts" composes; 1 change to the API, 1 schema-breaking but unused/);

    const publish = await cli(["publish", "accounts", "--schema", file, "--author", "release bot"]);
    expect(publish.code).toBe(0);
    expect(publish.stdout).toMatch(new RegExp(`Published subgraph "accounts" version 2: supergraph version ${before + 1}`));

    const list = JSON.parse((await cli(["list", "--json"])).stdout);
    expect(list.supergraph.version).toBe(before + 1);
    expect(list.subgraphs.find((s: { name: string }) => s.name === "accounts")).toMatchObject({
      currentVersion: 2,
      publishedBy: "identity",
      author: "release bot",
    });

    const diff = await cli(["diff", String(before), String(before + 1)]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/accounts: version 1 -> version 2/);
    expect(diff.stdout).toMatch(/- User\.createdAt: The field User\.createdAt was removed\. \[breaking\]/);
    const diffJson = JSON.parse((await cli(["diff", "--json"])).stdout);
    expect(diffJson).toMatchObject({ from: before, to: before + 1, changes: [{ code: "FIELD_REMOVED", coordinate: "User.createdAt" }] });

    const again = await cli(["publish", "accounts", "--schema", file]);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/unchanged/) });
  });

  it("exits 2 for another team's subgraph, a bad token and bad usage; nothing changes", async () => {
    const before = await supergraphVersion();
    const file = await schemaFile("accounts-no-roles", accountsWithout("roles"));
    const forbidden = await cli(["publish", "accounts", "--schema", file], { SUPERGRAPH_TOKEN: TEST_TOKENS.catalog });
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toMatch(/FORBIDDEN: Team "catalog" cannot publish subgraph "accounts": it is owned by team "identity"/);
    const badToken = await cli(["publish", "accounts", "--schema", file, "--token", "definitely-not-a-token"]);
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toMatch(/UNAUTHENTICATED/);
    expect(badToken.stderr).not.toMatch(/definitely-not-a-token/);
    expect(await supergraphVersion()).toBe(before);

    expect((await cli(["publish", "accounts"])).code).toBe(2);
    expect((await cli(["check", "accounts", "--schema", path.join(dir, "missing.graphql")])).stderr).toMatch(
      /Cannot read .*missing\.graphql: ENOENT/,
    );
    expect((await cli(["list", "--frobnicate"])).code).toBe(2);
    expect((await cli(["list"], { SUPERGRAPH_TOKEN: undefined })).stderr).toMatch(/No registry token/);
    expect((await cli(["deploy"])).code).toBe(2);
    const jsonError = await cli(["publish", "accounts", "--schema", file, "--json"], { SUPERGRAPH_TOKEN: TEST_TOKENS.catalog });
    expect(JSON.parse(jsonError.stdout).error.code).toBe("FORBIDDEN");
  });

  it("exits 3 when the registry cannot be reached", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const result = await cli(["list", "--json", "--registry", `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: "REGISTRY_UNREACHABLE", message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it("composes locally from supergraph.yaml without a registry", async () => {
    const out = path.join(dir, "supergraph.graphql");
    const composed = await cli(["compose", "--out", out], { SUPERGRAPH_REGISTRY_URL: "http://127.0.0.1:9", SUPERGRAPH_TOKEN: undefined });
    expect(composed.code).toBe(0);
    expect(await readFile(out, "utf8")).toMatch(/join__Graph/);
    const json = JSON.parse((await cli(["compose", "--json"])).stdout);
    expect(json).toMatchObject({ ok: true, subgraphs: ["accounts", "products", "inventory", "reviews", "orders"] });
    expect(json.supergraphSdl).toMatch(/ACCOUNTS/);

    const config = path.join(dir, "broken.yaml");
    await writeFile(path.join(dir, "broken-reviews.graphql"), "type Query { oops: }");
    await writeFile(
      config,
      "subgraphs:\n  broken:\n    routing_url: http://127.0.0.1:4999/graphql\n    schema:\n      file: ./broken-reviews.graphql\n",
    );
    const failed = await cli(["compose", "--config", config]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/INVALID_GRAPHQL/);
    expect((await cli(["compose", "--config", path.join(dir, "nowhere.yaml")])).code).toBe(2);
  });

  it("runs as a real process through its bin with the documented exit code", async () => {
    const file = await schemaFile("accounts-same", accountsWithout("createdAt"));
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(repoRoot, "packages/cli/bin/supergraph.js"), "check", "accounts", "--schema", file, "--json"],
        {
          cwd: repoRoot,
          env: { ...process.env, SUPERGRAPH_REGISTRY_URL: registry.url, SUPERGRAPH_TOKEN: TEST_TOKENS.identity },
          timeout: 30_000,
        },
        (error, stdout) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout }),
      );
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ subgraph: "accounts", ok: true, changes: [] });
  });
});

describe("supergraph CLI: approvals and forced publishes", () => {
  it("refuses a publish taking another team's field (exit 1) until that team runs `approve`", async () => {
    const reviews = await readFile(path.join(repoRoot, "subgraphs/reviews/schema.graphql"), "utf8");
    const sdl = reviews
      .replace('"@requiresScopes", ', '"@requiresScopes", "@override", ')
      .replace(/(type User @key\(fields: "id"\) \{\n {2}id: ID!\n)/, '$1  name: String! @override(from: "accounts")\n');
    const file = await schemaFile("reviews-takes-name", sdl);
    const community = { SUPERGRAPH_TOKEN: TEST_TOKENS.community };
    const check = await cli(["check", "reviews", "--schema", file], community);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/NEEDS OK\s+User\.name: override from accounts \(team identity\)/);
    expect(check.stdout).toMatch(/needs approval \(team identity: `supergraph approve reviews/);
    const refused = await cli(["publish", "reviews", "--schema", file], community);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^OWNERSHIP_TRANSFER_NOT_APPROVED: .*User\.name \(team identity\)/m);

    const approve = await cli(["approve", "reviews", "--schema", file, "--comment", "name moves to reviews"]);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toMatch(/approved\s+User\.name/);
    expect(approve.stdout).toMatch(/✓ Team identity approved this schema of "reviews" as owner/);
    const published = await cli(["publish", "reviews", "--schema", file], community);
    expect(published.code, published.stderr).toBe(0);
  });

  it("forces a breaking publish only with --reason, and says what it went past", async () => {
    await fetch(`${registry.url}/v1/usage`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKENS.router}`, "content-type": "application/json" },
      body: JSON.stringify({ reports: [{ operationName: "Roles", clientName: "admin", coordinates: ["User.roles"], count: 3 }] }),
    });
    const current = (
      await (await fetch(`${registry.url}/v1/subgraphs/accounts`, { headers: { authorization: `Bearer ${TEST_TOKENS.identity}` } })).json()
    ).subgraph.sdl as string;
    const file = await schemaFile("accounts-no-roles", current.replace(/\n\s*"[^"\n]*"\n\s*roles: [^\n]+/, ""));
    const blocked = await cli(["publish", "accounts", "--schema", file]);
    expect(blocked.code).toBe(1);
    const noReason = await cli(["publish", "accounts", "--schema", file, "--force"]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--force needs --reason/);
    const forced = await cli(["publish", "accounts", "--schema", file, "--force", "--reason", "roles move to the admin API this sprint"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/! Forced past 1 breaking change \(User\.roles\): "roles move to the admin API this sprint" is recorded/);
  });
});
