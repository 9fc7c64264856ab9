import { parse as parseJsonc } from "jsonc-parser";
import {
  getNamedType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLSchema,
} from "graphql";

/**
 * The "Use demo user" button works with whatever login mutation the graph has, discovered from its
 * schema: `Mutation.login` taking a username-like and a password argument (directly or inside one
 * input object), returning a token string or an object with a token field.
 */
export interface LoginRequest {
  query: string;
  /** Reads the token from the response's data. */
  token(data: unknown): string | undefined;
}

const USERNAME = /^(username|user|userName|email|login|handle)$/i;
const PASSWORD = /^(password|passphrase|secret)$/i;
const TOKEN_FIELDS = ["token", "accessToken", "jwt", "idToken"];

type Field = GraphQLArgument | GraphQLInputField;

/** GraphQL string literal; JSON's escapes are a subset of GraphQL's. */
const literal = (value: string) => JSON.stringify(value);

function fill(fields: readonly Field[], user: { username: string; password: string }): string | undefined {
  const parts: string[] = [];
  for (const field of fields) {
    if (USERNAME.test(field.name)) parts.push(`${field.name}: ${literal(user.username)}`);
    else if (PASSWORD.test(field.name)) parts.push(`${field.name}: ${literal(user.password)}`);
    else if (isNonNullType(field.type) && field.defaultValue === undefined) {
      const inner = getNamedType(field.type);
      if (!isInputObjectType(inner)) return undefined; // a required argument we cannot fill
      const nested = fill(Object.values(inner.getFields()), user);
      if (nested === undefined) return undefined;
      parts.push(`${field.name}: { ${nested} }`);
    }
  }
  return parts.length > 0 ? parts.join(", ") : undefined;
}

export function buildLoginRequest(
  schema: GraphQLSchema | null | undefined,
  user: { username: string; password: string },
): LoginRequest | undefined {
  const login = schema?.getMutationType()?.getFields().login;
  if (!login) return undefined;
  const args = fill(login.args, user);
  if (args === undefined) return undefined;
  const returned = getNamedType(login.type);
  if (isScalarType(returned)) {
    return {
      query: `mutation DemoLogin { login(${args}) }`,
      token: (data) => {
        const value = (data as { login?: unknown } | null)?.login;
        return typeof value === "string" ? value : undefined;
      },
    };
  }
  if (!isObjectType(returned)) return undefined;
  const tokenField = TOKEN_FIELDS.find((name) => {
    const field = returned.getFields()[name];
    return field && isScalarType(getNamedType(field.type));
  });
  if (!tokenField) return undefined;
  return {
    query: `mutation DemoLogin { login(${args}) { ${tokenField} } }`,
    token: (data) => {
      const value = (data as { login?: Record<string, unknown> | null } | null)?.login?.[tokenField];
      return typeof value === "string" ? value : undefined;
    },
  };
}

/** Sets Authorization in the headers editor's JSON, keeping the other headers. */
export function withBearer(headersText: string, token: string): string {
  let headers: Record<string, unknown> = {};
  // The headers editor accepts JSON with comments; anything unparseable is replaced by the token.
  const parsed: unknown = parseJsonc(headersText, [], { allowTrailingComma: true });
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) headers = parsed as Record<string, unknown>;
  const kept = Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== "authorization"));
  return JSON.stringify({ ...kept, Authorization: `Bearer ${token}` }, null, 2);
}
