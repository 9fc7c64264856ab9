import { DirectiveLocation, GraphQLBoolean, GraphQLDirective, GraphQLNonNull, GraphQLSchema, GraphQLString } from "graphql";

/**
 * `@defer` as the incremental delivery RFC declares it (graphql-js 16 has no built-in one). The
 * gateway's API schema leaves it out; Apollo Server validates operations against the schema returned
 * here, so with it an operation may defer fragments.
 */
const deferDirective = new GraphQLDirective({
  name: "defer",
  description: "Delivers this fragment after the rest of the response (multipart/mixed;deferSpec=20220824), or merged into it.",
  locations: [DirectiveLocation.FRAGMENT_SPREAD, DirectiveLocation.INLINE_FRAGMENT],
  args: {
    label: { type: GraphQLString, description: "Names the part in the incremental payload." },
    if: { type: new GraphQLNonNull(GraphQLBoolean), defaultValue: true, description: "false: delivered with the rest." },
  },
});

const withDefer = new WeakMap<GraphQLSchema, GraphQLSchema>();

/** The same schema with @defer declared; one copy per schema, so each supergraph swap builds it once. */
export function withDeferDirective(schema: GraphQLSchema): GraphQLSchema {
  if (schema.getDirective("defer")) return schema;
  let extended = withDefer.get(schema);
  if (!extended) {
    const config = schema.toConfig();
    extended = new GraphQLSchema({ ...config, directives: [...config.directives, deferDirective] });
    withDefer.set(schema, extended);
  }
  return extended;
}
