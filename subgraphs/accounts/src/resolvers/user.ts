import { mayReadAccountOf, privateFieldDenied } from "@store/wire";
import type { AccountsContext } from "../context.ts";
import type { User as UserRow } from "../data/users.ts";

/**
 * A private field: the user themself (the viewer, or whoever just signed in as them in this
 * request) or an admin (not staff: staff read orders, not accounts); anyone else gets null with FORBIDDEN (UNAUTHENTICATED when anonymous). The
 * router's @policy(self_or_admin) asks the same, but accounts owns the data and answers for it on
 * every path (me, user, users, a review's author, a session), directive or not.
 */
function privateField<K extends "email" | "roles">(field: K) {
  return (user: UserRow, _: unknown, ctx: AccountsContext): UserRow[K] => {
    if (!mayReadAccountOf(ctx.caller, user.id) && !ctx.signedInUserIds.has(user.id))
      throw privateFieldDenied(ctx.caller, `User.${field}`, "an admin");
    return user[field];
  };
}

export const User = {
  __resolveReference: (reference: { id: string }, ctx: AccountsContext) => ctx.loaders.userById.load(reference.id),
  createdAt: (user: UserRow) => user.createdAt.toISOString(),
  email: privateField("email"),
  roles: privateField("roles"),
};
