-- Sign-in by password (the login mutation). NULL: the account has no password and cannot sign in
-- with one. Roles, which decide the scopes in a login token, already exist.
ALTER TABLE "User" ADD COLUMN "passwordHash" TEXT;
