import { describe, expect, it } from "vitest";
import { csrfPreventionOption, csrfSchema, withCsrfCode } from "../../../src/features/csrf/csrf.ts";

describe("CSRF prevention config", () => {
  it("is on by default with Apollo's recommended headers, and can be turned off or changed", () => {
    expect(csrfPreventionOption(csrfSchema.parse({}))).toEqual({ requestHeaders: ["x-apollo-operation-name", "apollo-require-preflight"] });
    expect(csrfPreventionOption(csrfSchema.parse({ requiredHeaders: ["X-Requested-With"] }))).toEqual({
      requestHeaders: ["x-requested-with"],
    });
    expect(csrfPreventionOption(csrfSchema.parse({ enabled: false }))).toBe(false);
    expect(csrfSchema.safeParse({ requiredHeaders: [] }).success).toBe(false);
  });

  it("gives Apollo's CSRF refusal its own code and leaves every other error to the formatter", () => {
    const format = withCsrfCode((formatted) => ({ ...formatted, message: "formatted" }));
    const csrf = format(
      {
        message: "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please ...\n",
        extensions: { code: "BAD_REQUEST" },
      },
      undefined,
    );
    expect(csrf.extensions).toEqual({ code: "CSRF_PREVENTED" });
    expect(csrf.message.endsWith("\n")).toBe(false);
    expect(format({ message: "POST body missing", extensions: { code: "BAD_REQUEST" } }, undefined)).toMatchObject({
      message: "formatted",
    });
  });
});
