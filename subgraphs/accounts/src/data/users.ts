import { alignToKeys, type PageRequest } from "@store/data-loading";
import type { User, AccountsPrisma } from "./prisma.ts";

export type { User };

/** Users for the given ids, in the same order, null where there is none (DataLoader contract). */
export async function usersByIds(prisma: AccountsPrisma, ids: readonly string[]): Promise<(User | null)[]> {
  const rows = await prisma.user.findMany({ where: { id: { in: [...ids] } } });
  return alignToKeys(ids, rows, (row) => row.id);
}

/** One page of users ordered by creation time, then id (a stable keyset). */
export async function listUsers(prisma: AccountsPrisma, page: PageRequest): Promise<User[]> {
  const after = page.after ? { createdAt: new Date(page.after[0] as string), id: page.after[1] as string } : null;
  return prisma.user.findMany({
    where: after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : undefined,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: page.take,
  });
}

export const userSortValues = (user: User): [string, string] => [user.createdAt.toISOString(), user.id];

export function countUsers(prisma: AccountsPrisma): Promise<number> {
  return prisma.user.count();
}

export function userByUsername(prisma: AccountsPrisma, username: string): Promise<User | null> {
  return prisma.user.findUnique({ where: { username } });
}
