/** `npm run schema`: writes schema.graphql, the composed API schema that codegen types the operations against. */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { composeApiSchema } from "./api-schema.ts";

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "schema.graphql");
await writeFile(out, await composeApiSchema());
console.log(`API schema written to ${path.relative(process.cwd(), out)}`);
