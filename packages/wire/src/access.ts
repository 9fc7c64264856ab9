import type { GraphQLError } from "graphql";
import type { Caller } from "./caller.ts";
import { ErrorCode, codedError } from "./error-codes.ts";

/**
 * Who may read a user's private data. Orders: the user themself, or staff (the `staff` role or
 * scope, and every admin). Email and roles: the user themself, or an admin. The subgraph that owns
 * such data checks it with these rules on every path, whatever the router's schema directives say,
 * so that a directive removed from a schema never makes data public. The router's policies
 * `self_or_staff` and `self_or_admin` apply the same rules.
 */

/** The `admin` role or scope: may do everything staff may, and read any user's email and roles. */
export const isAdmin = (caller: Caller): boolean => caller.roles.includes("admin") || caller.scopes.includes("admin");

/** Store staff: the `staff` role or scope, or an admin. Staff read any user's orders (and, by scope, stock). */
export const isStaff = (caller: Caller): boolean => caller.roles.includes("staff") || caller.scopes.includes("staff") || isAdmin(caller);

/** True when `caller` is the user `ownerId` or staff: who may read that user's orders. Never for an anonymous caller. */
export const mayReadOrdersOf = (caller: Caller | null, ownerId: string): boolean =>
  caller !== null && (caller.id === ownerId || isStaff(caller));

/** True when `caller` is the user `ownerId` or an admin: who may read that user's email and roles. Never for an anonymous caller. */
export const mayReadAccountOf = (caller: Caller | null, ownerId: string): boolean =>
  caller !== null && (caller.id === ownerId || isAdmin(caller));

/**
 * The error for a private field the caller may not read, worded as the router words its own
 * denials: UNAUTHENTICATED for an anonymous caller, FORBIDDEN for anyone else. `coordinate` is the
 * field, e.g. "User.email"; `readers` says who may read it ("staff", "an admin").
 */
export function privateFieldDenied(caller: Caller | null, coordinate: string, readers: "staff" | "an admin" = "staff"): GraphQLError {
  return caller
    ? codedError(ErrorCode.FORBIDDEN, `Only the user themself or ${readers} may read ${coordinate}.`, { coordinate })
    : codedError(ErrorCode.UNAUTHENTICATED, `Sign in to read ${coordinate}.`, { coordinate });
}
