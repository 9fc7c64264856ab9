import { pageRequest, toConnection } from "@store/data-loading";
import { listUsers, userSortValues } from "../data/users.ts";
import type { AccountsContext } from "../context.ts";

export const Query = {
  me: (_: unknown, __: unknown, ctx: AccountsContext) => (ctx.callerId ? ctx.loaders.userById.load(ctx.callerId) : null),
  user: (_: unknown, args: { id: string }, ctx: AccountsContext) => ctx.loaders.userById.load(args.id),
  users: async (_: unknown, args: { first?: number | null; after?: string | null }, ctx: AccountsContext) => {
    const page = pageRequest(args, { arity: 2 });
    const rows = await listUsers(ctx.prisma, page);
    for (const row of rows) ctx.loaders.userById.prime(row.id, row);
    return { ...toConnection(rows, page, userSortValues), totalCount: () => ctx.loaders.userCount.load("all") };
  },
};
