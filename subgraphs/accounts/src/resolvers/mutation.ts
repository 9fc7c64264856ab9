import { ErrorCode, codedError } from "@store/wire";
import type { AccountsContext } from "../context.ts";
import { userByUsername } from "../data/users.ts";
import { verifyPassword } from "../passwords.ts";

// One answer for an unknown user and a wrong password, so the error does not reveal which
// usernames exist (verifyPassword takes as long for both).
const WRONG_CREDENTIALS = "Wrong username or password.";
const MAX_USERNAME = 100;
const MAX_PASSWORD = 1024;

export const Mutation = {
  /** Checks the password against its scrypt hash and issues a signed token. The password is never logged. */
  login: async (_: unknown, args: { username: string; password: string }, ctx: AccountsContext) => {
    const username = args.username.trim();
    if (username.length === 0 || username.length > MAX_USERNAME || args.password.length > MAX_PASSWORD) {
      throw codedError(ErrorCode.UNAUTHENTICATED, WRONG_CREDENTIALS);
    }
    const user = await userByUsername(ctx.prisma, username);
    if (!(await verifyPassword(args.password, user?.passwordHash)) || !user) {
      throw codedError(ErrorCode.UNAUTHENTICATED, WRONG_CREDENTIALS);
    }
    ctx.loaders.userById.prime(user.id, user);
    ctx.signedInUserIds.add(user.id);
    const { token, expiresAt } = await ctx.tokens.issue(user);
    return { token, expiresAt: expiresAt.toISOString(), user };
  },
};
