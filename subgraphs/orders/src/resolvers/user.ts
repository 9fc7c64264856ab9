import { badUserInput, mayReadOrdersOf, privateFieldDenied } from "@store/wire";
import { pageRequest, toConnection } from "@store/data-loading";
import type { OrdersContext } from "../context.ts";
import { orderSortValues } from "../data/orders.ts";

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Orders knows a user only by id (accounts owns the rest). */
interface UserRef {
  id: string;
}

export const User = {
  __resolveReference: (reference: UserRef): UserRef => ({ id: reference.id }),
  /**
   * The user themself or staff (the staff role or scope, or an admin) only, checked here as well as by the router's directives (null with
   * FORBIDDEN, or UNAUTHENTICATED when anonymous); the loaders would return null all the same.
   */
  orders: async (user: UserRef, args: { first?: number | null; after?: string | null }, ctx: OrdersContext) => {
    const denied = () => privateFieldDenied(ctx.caller, "User.orders");
    if (!mayReadOrdersOf(ctx.caller, user.id)) throw denied();
    const page = pageRequest(args, { arity: 2, defaultSize: 10, maxSize: 50 });
    if (page.after) {
      const [createdAt, id] = page.after;
      if (typeof createdAt !== "string" || !ISO_INSTANT.test(createdAt) || typeof id !== "string") {
        throw badUserInput("The `after` cursor is not one this API issued.", { argument: "after" });
      }
    }
    const rows = await ctx.loaders.ordersByUserId(page).load(user.id);
    if (!rows) throw denied();
    const totalCount = async () => {
      const count = await ctx.loaders.orderCountByUserId.load(user.id);
      if (count === null) throw denied();
      return count;
    };
    return { ...toConnection(rows, page, orderSortValues), totalCount };
  },
};
