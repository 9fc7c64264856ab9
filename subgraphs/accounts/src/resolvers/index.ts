import { Mutation } from "./mutation.ts";
import { Query } from "./query.ts";
import { User } from "./user.ts";

export const resolvers = { Query, Mutation, User };
