import type { AccountsContext } from "../context.ts";
import type { User as UserRow } from "../data/users.ts";

export const User = {
  __resolveReference: (reference: { id: string }, ctx: AccountsContext) => ctx.loaders.userById.load(reference.id),
  createdAt: (user: UserRow) => user.createdAt.toISOString(),
};
