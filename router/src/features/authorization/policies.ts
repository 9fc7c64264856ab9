import type { Caller } from "@store/wire";

/** One field of the operation, as a policy sees it. */
export interface PolicyField {
  /** The type the field is selected on (for a field of an interface, the interface). */
  parentType: string;
  name: string;
  /** The field's arguments with variables substituted (values as the client sent them). */
  args: Readonly<Record<string, unknown>>;
  /** The named type the field returns. */
  returnType: string;
}

/**
 * What a policy function receives. Policies run in the router before any subgraph is called, so they
 * see the request and the operation, never data: a rule that needs data (who owns order X) can only
 * be decided by the subgraph that holds it, with the caller it receives from the router.
 */
export interface PolicyInput {
  /** The caller from the verified token, or null for an anonymous one. */
  caller: Caller | null;
  /** The protected field. */
  field: PolicyField;
  /** The fields from the root down to the one whose value holds `field` (root first). */
  ancestors: readonly PolicyField[];
}

/** True allows the field. Must be fast and side-effect free: its result is cached per operation shape. */
export type PolicyFunction = (input: PolicyInput) => boolean;

export const hasRole = (caller: Caller | null, role: string) => caller?.roles.includes(role) ?? false;
export const hasScope = (caller: Caller | null, scope: string) => caller?.scopes.includes(scope) ?? false;
const isAdmin = (caller: Caller | null) => hasRole(caller, "admin") || hasScope(caller, "admin");
/** Store staff: the staff role or scope, or an admin (the same rule as `isStaff` in @store/wire). */
const isStaff = (caller: Caller | null) => hasRole(caller, "staff") || hasScope(caller, "staff") || isAdmin(caller);

/**
 * Is the User object that holds `field` provably the caller's own? Only when it came from `me`, from
 * `user(id:)` with the caller's id, or from the session `login` returns (whoever gets it has just
 * proved to be that user; a failed login returns no user). Any other path (a review's author, an
 * order's buyer, a page of users) cannot be known before execution, so it does not count.
 */
function holderIsCaller({ caller, ancestors }: PolicyInput): boolean {
  const holder = ancestors.at(-1);
  if (!holder || holder.returnType !== "User") return false;
  if (holder.parentType === "Session" && holder.name === "user") {
    const session = ancestors.at(-2);
    return session?.parentType === "Mutation" && session.name === "login";
  }
  if (!caller) return false;
  if (holder.parentType === "Query" && holder.name === "me") return true;
  return holder.parentType === "Query" && holder.name === "user" && holder.args.id === caller.id;
}

/** Policies registered in code, by the name @policy uses. */
export const BUILT_IN_POLICIES: Readonly<Record<string, PolicyFunction>> = {
  /** Staff with the admin role or scope. */
  admin: ({ caller }) => isAdmin(caller),
  /** A user's account fields (email, roles): the user themself, or an admin. */
  self_or_admin: (input) => isAdmin(input.caller) || holderIsCaller(input),
  /** A user's orders: the user themself, or staff (the staff role or scope, or an admin). */
  self_or_staff: (input) => isStaff(input.caller) || holderIsCaller(input),
};

/** Built-in policies plus those declared in config (anyRole / allScopes). */
export function createPolicyRegistry(
  fromConfig: Readonly<Record<string, { anyRole?: string[] | undefined; allScopes?: string[] | undefined }>>,
  extra: Readonly<Record<string, PolicyFunction>> = {},
): ReadonlyMap<string, PolicyFunction> {
  const registry = new Map<string, PolicyFunction>(Object.entries({ ...BUILT_IN_POLICIES, ...extra }));
  for (const [name, { anyRole, allScopes }] of Object.entries(fromConfig)) {
    registry.set(
      name,
      ({ caller }) =>
        !!caller &&
        (!anyRole || anyRole.some((role) => hasRole(caller, role))) &&
        (!allScopes || allScopes.every((scope) => hasScope(caller, scope))),
    );
  }
  return registry;
}
