/**
 * Every example operation in the README, run through the stack's router as the README says (signed
 * in as the user its comment names, else anonymous): each must answer data, every root field
 * non-null, and no errors. A new example in a ```graphql block is checked without touching this file.
 */
import { describe, expect, inject, it } from "vitest";
import { Kind } from "graphql";
import { graphql } from "../support/graphql.ts";
import { loginAs } from "../support/auth.ts";
import { readmeExamples } from "../support/readme-examples.ts";

const routerUrl = inject("routerUrl");
const examples = readmeExamples();

/** Tracking numbers are random: the README shows a placeholder and says to take a real one from an order. */
const TRACKING_PLACEHOLDER = "TRK0123456789ABCDEF0123";

const tokens = new Map<string, Promise<{ authorization: string }>>();
const signIn = (username: string) => {
  if (!tokens.has(username)) tokens.set(username, loginAs(routerUrl, username));
  return tokens.get(username)!;
};

async function realTrackingNumber(): Promise<string> {
  const owner = examples.find((e) => e.signedInAs)?.signedInAs ?? "dennis.lovelace";
  const result = await graphql(
    routerUrl,
    `
      {
        me {
          orders(first: 1) {
            edges {
              node {
                shipment {
                  trackingNumber
                }
              }
            }
          }
        }
      }
    `,
    {},
    await signIn(owner),
  );
  const number = result.data?.me?.orders?.edges?.[0]?.node?.shipment?.trackingNumber;
  if (!number) throw new Error(`${owner} has no order with a shipment to take a tracking number from: ${JSON.stringify(result)}`);
  return number;
}

describe("the README's example queries", () => {
  it("finds the examples, signed-in ones among them", () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(examples.some((e) => e.signedInAs)).toBe(true);
  });

  for (const example of examples) {
    const title = `README.md:${example.line} ${example.operation.operation} ${example.operation.name?.value ?? ""}${
      example.signedInAs ? ` (signed in as ${example.signedInAs})` : " (anonymous)"
    }`;
    it(title, async () => {
      const headers = example.signedInAs ? await signIn(example.signedInAs) : {};
      const query = example.query.includes(TRACKING_PLACEHOLDER)
        ? example.query.replace(TRACKING_PLACEHOLDER, await realTrackingNumber())
        : example.query;
      const result = await graphql(routerUrl, query, {}, headers);
      expect(result.errors, `${title}\n${query}`).toBeUndefined();
      expect(result.status).toBe(200);
      const rootKeys = example.operation.selectionSet.selections.flatMap((s) =>
        s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : [],
      );
      for (const key of rootKeys) expect(result.data?.[key], `${title}: ${key}`).not.toBeNull();
    });
  }
});
