/**
 * The trusted-documents manifest (persisted-operations.json, written by `npm run manifest`) as a
 * lookup from operation name to id, so a client sends ids instead of documents.
 */
import { readFileSync } from "node:fs";

export interface TrustedDocumentsManifest {
  format: "apollo-persisted-query-manifest";
  version: 1;
  operations: { id: string; name: string; type: string; body: string }[];
}

export const manifestPath = new URL("../persisted-operations.json", import.meta.url);

export function readManifest(file: URL | string = manifestPath): TrustedDocumentsManifest {
  return JSON.parse(readFileSync(file, "utf8")) as TrustedDocumentsManifest;
}

/** The id of each operation, by name; an operation that is not in the manifest fails loudly. */
export function operationIds(manifest: TrustedDocumentsManifest): (operationName: string) => string {
  const ids = new Map(manifest.operations.map((operation) => [operation.name, operation.id]));
  return (operationName) => {
    const id = ids.get(operationName);
    if (!id) throw new Error(`operation ${operationName} is not in the trusted-documents manifest: run \`npm run manifest\``);
    return id;
  };
}
