import type { BaseContext } from "@apollo/server";

export interface RouterContext extends BaseContext {
  requestId: string;
}
