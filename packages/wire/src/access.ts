import type { GraphQLError } from "graphql";
import type { Caller } from "./caller.ts";
import { ErrorCode, codedError } from "./error-codes.ts";

/**
 * Who may read a user's private data (their orders, email and roles): the user themself, or staff.
 * The subgraph that owns such data checks it with this rule on every path, whatever the router's
 * schema directives say, so that a directive removed from a schema never makes data public.
 */

/** Staff, for now: the admin role or the admin scope (what the staff role itself may do is decided elsewhere). */
export const isStaff = (caller: Caller): boolean => caller.roles.includes("admin") || caller.scopes.includes("admin");

/** True when `caller` is the user `ownerId` or staff; never for an anonymous caller. */
export const mayReadPrivateDataOf = (caller: Caller | null, ownerId: string): boolean =>
  caller !== null && (caller.id === ownerId || isStaff(caller));

/**
 * The error for a private field the caller may not read, worded as the router words its own
 * denials: UNAUTHENTICATED for an anonymous caller, FORBIDDEN for anyone else. `coordinate` is the
 * field, e.g. "User.email".
 */
export function privateFieldDenied(caller: Caller | null, coordinate: string): GraphQLError {
  return caller
    ? codedError(ErrorCode.FORBIDDEN, `Only the user themself or staff may read ${coordinate}.`, { coordinate })
    : codedError(ErrorCode.UNAUTHENTICATED, `Sign in to read ${coordinate}.`, { coordinate });
}
