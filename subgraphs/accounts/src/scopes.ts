/**
 * The scopes a login token grants, from the user's roles. The router's authorization reads them
 * (@requiresScopes). Staff read stock and any user's orders; admins may do everything.
 */
const CUSTOMER = ["orders:read", "orders:write", "reviews:write", "profile:read"];
const SCOPES_BY_ROLE: Record<string, readonly string[]> = {
  customer: CUSTOMER,
  staff: ["orders:read", "inventory:read", "staff"],
  admin: [...CUSTOMER, "inventory:read", "inventory:write", "admin"],
};

/** The union of the roles' scopes, each once, in a stable order. */
export function scopesForRoles(roles: readonly string[]): string[] {
  return [...new Set(roles.flatMap((role) => SCOPES_BY_ROLE[role] ?? []))];
}
