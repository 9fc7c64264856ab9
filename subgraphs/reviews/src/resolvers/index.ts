import { Mutation } from "./mutation.ts";
import { Product } from "./product.ts";
import { Query } from "./query.ts";
import { Review } from "./review.ts";
import { User } from "./user.ts";

export const resolvers = { Query, Mutation, Review, Product, User };
