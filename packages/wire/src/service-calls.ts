import { ErrorCode, codedError } from "./error-codes.ts";

/**
 * The one declaration of which service may call which, and which root fields it may select there.
 * Only these paths get credentials (the stack hands out SUBGRAPH_SECRET_<CALLEE>_FROM_<CALLER> for
 * them alone), a callee accepts no other service's signature, and a declared caller selecting any
 * other root field is refused with SERVICE_CALL_NOT_ALLOWED. The router may call every subgraph.
 */
export const SERVICE_CALLS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  orders: {
    products: ["_entities"],
    inventory: ["reserveStock", "confirmStockReservation", "releaseStockReservation"],
  },
  reviews: {
    products: ["_entities"],
    accounts: ["_entities"],
  },
};

/**
 * For a field only one service may use (inventory's reserveStock is orders'): FORBIDDEN for any
 * other verified calling service, the router included. `callingService` is unset only where
 * signatures are not checked (SUBGRAPH_SIGNING=off, or development without secrets), and then
 * nothing is proven.
 */
export function requireCallingService(callingService: string | undefined, allowed: string, action: string): void {
  if (callingService !== undefined && callingService !== allowed)
    throw codedError(ErrorCode.SERVICE_CALL_NOT_ALLOWED, `Only ${allowed} may ${action}.`, { http: { status: 403 } });
}

/** The services `caller` may call. */
export function calleesOf(caller: string): string[] {
  return Object.keys(SERVICE_CALLS[caller] ?? {});
}

/** The services that may call `callee`, each with the root fields it may select there. */
export function callersOf(callee: string): Map<string, ReadonlySet<string>> {
  const callers = new Map<string, ReadonlySet<string>>();
  for (const [caller, callees] of Object.entries(SERVICE_CALLS)) {
    const fields = callees[callee];
    if (fields) callers.set(caller, new Set(fields));
  }
  return callers;
}
