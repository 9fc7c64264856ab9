import { expect } from "vitest";
import { ConfigError } from "@store/service-kit";

/** The problems a config loader reported; fails the test when it did not throw a ConfigError. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}
