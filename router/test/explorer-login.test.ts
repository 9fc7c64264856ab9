import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { buildLoginRequest, withBearer } from "../explorer/src/login.ts";

const demo = { username: "edsger.lovelace", password: 'pa"ss' };
const schemaWith = (mutation: string, extra = "") => buildSchema(`type Query { ok: Boolean } ${mutation} ${extra}`);

describe("the explorer's demo sign-in", () => {
  it("stays hidden when the graph has no login mutation", () => {
    expect(buildLoginRequest(schemaWith("type Mutation { placeOrder(id: ID!): Boolean }"), demo)).toBeUndefined();
    expect(buildLoginRequest(schemaWith(""), demo)).toBeUndefined();
    expect(buildLoginRequest(undefined, demo)).toBeUndefined();
  });

  it("calls login(username, password) and reads the token field", () => {
    const request = buildLoginRequest(
      schemaWith("type Mutation { login(username: String!, password: String!): Session! }", "type Session { token: String! user: ID }"),
      demo,
    )!;
    expect(request.query).toBe('mutation DemoLogin { login(username: "edsger.lovelace", password: "pa\\"ss") { token } }');
    expect(request.token({ login: { token: "abc" } })).toBe("abc");
    expect(request.token({ login: null })).toBeUndefined();
  });

  it("fills a login input object and takes a token returned as a string", () => {
    const request = buildLoginRequest(
      schemaWith("type Mutation { login(input: LoginInput!): String }", "input LoginInput { email: String! password: String! }"),
      demo,
    )!;
    expect(request.query).toBe('mutation DemoLogin { login(input: { email: "edsger.lovelace", password: "pa\\"ss" }) }');
    expect(request.token({ login: "jwt" })).toBe("jwt");
  });

  it("gives up on a login it cannot fill or read", () => {
    expect(buildLoginRequest(schemaWith("type Mutation { login(username: String!, otp: Int!): String }"), demo)).toBeUndefined();
    expect(
      buildLoginRequest(schemaWith("type Mutation { login(username: String!): Session }", "type Session { user: ID }"), demo),
    ).toBeUndefined();
  });

  it("puts the token in the headers, keeping the others and dropping comments", () => {
    const headers = '{\n  // a comment\n  "x-client": "web",\n  "authorization": "Bearer old",\n}';
    expect(JSON.parse(withBearer(headers, "new"))).toEqual({ "x-client": "web", Authorization: "Bearer new" });
    expect(JSON.parse(withBearer("not json", "t"))).toEqual({ Authorization: "Bearer t" });
  });
});
