import DataLoader from "dataloader";
import { countUsers, usersByIds } from "./data/users.ts";
import type { AccountsPrisma } from "./data/prisma.ts";

/** Built per request: batching across one request's resolvers, no caching across requests. */
export function createLoaders(prisma: AccountsPrisma) {
  return {
    userById: new DataLoader((ids: readonly string[]) => usersByIds(prisma, ids)),
    userCount: new DataLoader(async (keys: readonly "all"[]) => {
      const total = await countUsers(prisma);
      return keys.map(() => total);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
