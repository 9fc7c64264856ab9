/** The normalized cache: entities by __typename and id, and the type policy that pages the product search. */
import { InMemoryCache } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";

export function createStorefrontCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          // One list per filter: `after` and `first` only choose the page, so fetchMore appends to it.
          products: relayStylePagination(["filter"]),
        },
      },
    },
  });
}
