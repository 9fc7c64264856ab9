import type { GraphQLError } from "graphql";
import { ErrorCode, codedError } from "./errors.ts";
import type { Viewer } from "./viewer.ts";

/**
 * Who may read a user's private data (their orders, email and roles): the user themself, or staff.
 * The subgraph that owns such data checks it with this rule on every path, whatever the router's
 * schema directives say, so that a directive removed from a schema never makes data public.
 */

/** Staff, for now: the admin role or the admin scope (what the staff role itself may do is decided elsewhere). */
export const isStaff = (viewer: Viewer): boolean => viewer.roles.includes("admin") || viewer.scopes.includes("admin");

/** True when `viewer` is the user `ownerId` or staff; never for an anonymous caller. */
export const mayReadPrivateDataOf = (viewer: Viewer | null, ownerId: string): boolean => viewer !== null && (viewer.id === ownerId || isStaff(viewer));

/**
 * The error for a private field the caller may not read, worded as the router words its own
 * denials: UNAUTHENTICATED for an anonymous caller, FORBIDDEN for anyone else. `coordinate` is the
 * field, e.g. "User.email".
 */
export function privateFieldDenied(viewer: Viewer | null, coordinate: string): GraphQLError {
  return viewer
    ? codedError(ErrorCode.FORBIDDEN, `Only the user themself or staff may read ${coordinate}.`, { coordinate })
    : codedError(ErrorCode.UNAUTHENTICATED, `Sign in to read ${coordinate}.`, { coordinate });
}
