// GraphQL Code Generator: types every document in operations/ against schema.graphql (the composed API schema).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["operations/**/*.graphql"],
  ignoreNoDocuments: false,
  // Imports with .js extensions, as NodeNext resolution wants.
  emitLegacyCommonJSImports: false,
  generates: {
    "src/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { ID: "string" } },
    },
  },
};

export default config;
