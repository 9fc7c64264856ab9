/**
 * The explorer's example operations against the composed store graph: each one valid, its variables
 * accepted, and its documented "Subgraphs:" line what the query planner really calls.
 */
import { Supergraph, operationFromDocument, printSchema, type Schema } from "@apollo/federation-internals";
import { QueryPlanner, type PlanNode, type QueryPlan } from "@apollo/query-planner";
import { buildSchema, getVariableValues, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { loadExampleOperations } from "@store/router/explorer-operations";
import { composeStoreSupergraph } from "@store/composition";

const examples = loadExampleOperations();
let api: GraphQLSchema;
let apiSchema: Schema;
let planner: QueryPlanner;
let subgraphNames: string[];

beforeAll(async () => {
  const composed = await composeStoreSupergraph();
  // The router serves it with its authorization features accepted (policy/authorization).
  const supergraph = Supergraph.build(composed.sdl, { supportedFeatures: null });
  apiSchema = supergraph.apiSchema();
  // Rebuilt from SDL: federation-internals loads graphql's CommonJS build, the test its ES module one.
  // The router's API schema also declares @defer (features/defer).
  api = buildSchema(`${printSchema(apiSchema)}\ndirective @defer(label: String, if: Boolean! = true) on FRAGMENT_SPREAD | INLINE_FRAGMENT`);
  planner = new QueryPlanner(supergraph);
  subgraphNames = composed.subgraphs;
});

function servicesIn(node: PlanNode | undefined, into = new Set<string>()): Set<string> {
  if (!node) return into;
  switch (node.kind) {
    case "Fetch":
      into.add(node.serviceName);
      break;
    case "Flatten":
      servicesIn(node.node, into);
      break;
    case "Sequence":
    case "Parallel":
      node.nodes.forEach((child) => servicesIn(child, into));
      break;
    case "Condition":
      servicesIn(node.ifClause, into);
      servicesIn(node.elseClause, into);
      break;
    case "Defer":
      servicesIn(node.primary.node, into);
      node.deferred.forEach((deferred) => servicesIn(deferred.node, into));
      break;
    default:
      throw new Error(`unexpected plan node ${(node as { kind: string }).kind}`);
  }
  return into;
}

describe("explorer example operations", () => {
  it("cover every subgraph, and open with the cross-subgraph ones a frontend writes first", () => {
    expect(new Set(examples.flatMap((e) => e.subgraphs))).toEqual(new Set(subgraphNames));
    expect(examples.slice(0, 3).map((e) => e.title)).toEqual(["Product page", "Order history with tracking", "Checkout"]);
    for (const example of examples.slice(0, 3)) expect(example.subgraphs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(examples.map((e) => e.id)).size).toBe(examples.length);
  });

  for (const example of examples) {
    describe(example.title, () => {
      it("is valid against the public API with its variables", () => {
        const document = parse(example.query);
        expect(validate(api, document).map((e) => e.message)).toEqual([]);
        const operation = document.definitions[0] as OperationDefinitionNode;
        const coerced = getVariableValues(api, operation.variableDefinitions ?? [], example.variables ? JSON.parse(example.variables) : {});
        expect(coerced.errors?.map((e) => e.message)).toBeUndefined();
      });

      it("calls exactly the subgraphs its comment names", () => {
        const operation = operationFromDocument(apiSchema, parse(example.query));
        const plan: QueryPlan = planner.buildQueryPlan(operation);
        if (plan.node?.kind === "Subscription") throw new Error("examples hold queries and mutations only");
        expect([...servicesIn(plan.node)].sort()).toEqual([...example.subgraphs].sort());
      });
    });
  }
});
