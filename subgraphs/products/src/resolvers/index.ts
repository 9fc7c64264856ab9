import { Category } from "./category.ts";
import { Product } from "./product.ts";
import { Query } from "./query.ts";

export const resolvers = { Query, Product, Category };
