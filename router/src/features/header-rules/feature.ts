import { defineFeature } from "../feature.ts";
import { createHeaderRulesHooks, headersSchema } from "./header-rules.ts";

/** Allowlists of client headers sent on to subgraphs and of subgraph headers passed back to the client. */
export const headerRulesFeature = defineFeature({
  name: "headers",
  section: headersSchema,
  after: ["subgraphSigning"],
  create: (settings) => createHeaderRulesHooks(settings),
});
