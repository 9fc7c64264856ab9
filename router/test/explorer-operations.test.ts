import { describe, expect, it } from "vitest";
import { ExampleOperationError, parseExampleOperation } from "../explorer/operations.ts";

const documented = `# Product page
# Subgraphs: products, inventory
#
# What a product page shows,
# in one request.
query ProductPage($sku: String!) { product(sku: $sku) { name } }
`;

describe("example operation files", () => {
  it("read the title, subgraphs and description from the leading comment", () => {
    const example = parseExampleOperation("01-product-page.graphql", documented, '{"sku":"SKU-00001"}');
    expect(example).toMatchObject({
      id: "product-page",
      title: "Product page",
      subgraphs: ["products", "inventory"],
      description: "What a product page shows, in one request.",
      operationName: "ProductPage",
      kind: "query",
      variables: '{\n  "sku": "SKU-00001"\n}',
    });
    expect(example.query).toContain("# Product page"); // the editor shows the documentation too
  });

  it("name the file and the problem when one is malformed", () => {
    const problem = (text: string, variables?: string) => {
      try {
        parseExampleOperation("09-bad.graphql", text, variables);
      } catch (error) {
        expect(error).toBeInstanceOf(ExampleOperationError);
        return (error as Error).message;
      }
      throw new Error("expected an ExampleOperationError");
    };
    expect(problem("query A { a }")).toMatch(/09-bad\.graphql: must start with a `# Title`/);
    expect(problem("# A\n# about\nquery A { a }")).toMatch(/Subgraphs:/);
    expect(problem("# A\n# Subgraphs: x\nquery A { a }")).toMatch(/description/);
    expect(problem("# A\n# Subgraphs: x\n# about\n{ a }")).toMatch(/one named operation/);
    expect(problem("# A\n# Subgraphs: x\n# about\nquery A { a")).toMatch(/does not parse/);
    expect(problem(documented)).toMatch(/no \.variables\.json/);
    expect(problem(documented, "[1]")).toMatch(/JSON object/);
    expect(problem(documented, "{sku")).toMatch(/not valid JSON/);
  });
});
