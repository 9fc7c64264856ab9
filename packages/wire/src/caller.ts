/**
 * The one identity type of the platform: the signed-in user a request acts for. The router makes
 * it from a verified token, sends it to subgraphs in the claims header, and subgraphs read it back;
 * every hop uses this type, and null means an anonymous caller.
 */
export interface Caller {
  /** The user id (usr_...): the token's `sub`. */
  id: string;
  /** Scopes the token grants. */
  scopes: readonly string[];
  /** Roles the token grants (admin, staff, ...). */
  roles: readonly string[];
  /** The user's name, when the token carries one. */
  username?: string;
  /** The OAuth client the token was issued to, when it names one. */
  clientId?: string;
}
