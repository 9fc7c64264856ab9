import { describe, expect, it } from "vitest";
import { isStaff, mayReadAccountOf, mayReadOrdersOf, type Caller } from "../src/index.ts";

const caller = (id: string, roles: string[] = [], scopes: string[] = []): Caller => ({ id, roles, scopes });

describe("who may read a user's private data", () => {
  const customer = caller("usr_0009", ["customer"], ["orders:read"]);
  const staffMember = caller("usr_0003", ["staff", "customer"], ["orders:read", "inventory:read", "staff"]);
  const admin = caller("usr_0001", ["admin"], ["admin"]);

  it("orders: the user themself, staff (role or scope) and admins; never anonymous callers or other customers", () => {
    expect(mayReadOrdersOf(customer, "usr_0009")).toBe(true);
    expect(mayReadOrdersOf(customer, "usr_0010")).toBe(false);
    expect(mayReadOrdersOf(staffMember, "usr_0010")).toBe(true);
    expect(mayReadOrdersOf(caller("usr_0200", [], ["staff"]), "usr_0010")).toBe(true);
    expect(mayReadOrdersOf(admin, "usr_0010")).toBe(true);
    expect(mayReadOrdersOf(null, "usr_0010")).toBe(false);
  });

  it("email and roles: the user themself and admins only, not staff", () => {
    expect(mayReadAccountOf(customer, "usr_0009")).toBe(true);
    expect(mayReadAccountOf(staffMember, "usr_0010")).toBe(false);
    expect(mayReadAccountOf(admin, "usr_0010")).toBe(true);
    expect(mayReadAccountOf(null, "usr_0010")).toBe(false);
  });

  it("admins count as staff", () => {
    expect(isStaff(admin)).toBe(true);
    expect(isStaff(customer)).toBe(false);
  });
});
