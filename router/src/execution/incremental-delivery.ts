import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import Negotiator from "negotiator";

/**
 * Incremental delivery (@defer) over Apollo Server's own multipart writer. Apollo Server hands a
 * gateway's executor result on as one response; the executor runs the primary part, returns it, and
 * leaves the deferred parts here, keyed by the request's context. The plugin then turns the response
 * into Apollo's `incremental` body, which Apollo Server writes as `multipart/mixed;deferSpec=20220824`
 * (boundary `-`, one JSON part per payload), the format Apollo Client and GraphiQL read.
 */

/** One deferred fragment delivered at one place of the response (deferSpec=20220824). */
export interface IncrementalItem {
  data: Record<string, unknown> | null;
  path: (string | number)[];
  label?: string;
  errors?: GraphQLError[];
}

export interface SubsequentPayload {
  hasNext: boolean;
  incremental?: IncrementalItem[];
}

/**
 * The deferred payloads of one execution, in the order they became ready. Every reader gets every
 * payload from the first (the followers of a merged query start reading after the leader).
 */
export class PayloadStream implements AsyncIterable<SubsequentPayload> {
  private readonly payloads: SubsequentPayload[] = [];
  private wake: Array<() => void> = [];

  push(payload: SubsequentPayload): void {
    this.payloads.push(payload);
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }

  get finished(): boolean {
    return this.payloads.at(-1)?.hasNext === false;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubsequentPayload> {
    for (let next = 0; ;) {
      while (next < this.payloads.length) {
        const payload = this.payloads[next++]!;
        yield payload;
        if (!payload.hasNext) return;
      }
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }
}

// The value Apollo Server negotiates for an incremental response, and the one spec this router writes.
const DEFER_SPEC_20220824 = "multipart/mixed; deferSpec=20220824";
const NEGOTIATED = ["multipart/mixed", "multipart/mixed; incrementalSpec=v0.2", DEFER_SPEC_20220824];

/** Whether Apollo Server would answer this Accept header with `multipart/mixed;deferSpec=20220824`. */
export function acceptsIncrementalDelivery(accept: string | null | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaType(NEGOTIATED) === DEFER_SPEC_20220824;
}

/** The deferred payloads waiting to be written for a request, by its context object (Apollo's contextValue). */
const waiting = new WeakMap<object, PayloadStream>();

export function deliverLater(context: object, stream: PayloadStream): void {
  waiting.set(context, stream);
}

/**
 * Rewrites a deferred item as the client gets it (after its errors are formatted): a plugin that
 * edits the initial payload in willSendResponse (authorization's nulls for denied fields) registers
 * one for the parts that follow.
 */
export type DeferredItemEditor = (item: FormattedItem) => FormattedItem;
export type FormattedItem = Omit<IncrementalItem, "errors"> & { errors?: GraphQLFormattedError[] };

const editors = new WeakMap<object, DeferredItemEditor[]>();

export function editDeferredItems(context: object, editor: DeferredItemEditor): void {
  const list = editors.get(context);
  if (list) list.push(editor);
  else editors.set(context, [editor]);
}

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** An error object of this request's own: the formatter remembers requests per error object, and merged queries share them. */
function ownError(error: GraphQLError): GraphQLError {
  return Object.defineProperties(Object.create(Object.getPrototypeOf(error)), Object.getOwnPropertyDescriptors(error)) as GraphQLError;
}

/** Each deferred payload as the client gets it: errors through the same formatter as the initial payload's. */
async function* formatted(
  stream: PayloadStream,
  formatError: FormatError,
  edits: readonly DeferredItemEditor[],
): AsyncGenerator<Record<string, unknown>> {
  for await (const payload of stream) {
    if (!payload.incremental) {
      yield { hasNext: payload.hasNext };
      continue;
    }
    const incremental = payload.incremental.map(({ errors, ...item }) => {
      let formattedItem: FormattedItem = errors?.length
        ? {
            ...item,
            errors: errors.map((error) => {
              const own = ownError(error);
              return formatError(own.toJSON(), own);
            }),
          }
        : item;
      for (const edit of edits) formattedItem = edit(formattedItem);
      return formattedItem;
    });
    yield { hasNext: payload.hasNext, incremental };
  }
}

/**
 * The Apollo Server plugin that writes the deferred parts: registered last, so every other
 * willSendResponse hook has seen the initial payload as the single result it is.
 */
export function incrementalDeliveryPlugin<Ctx extends object>(formatError: FormatError): ApolloServerPlugin<Ctx> {
  const listener: GraphQLRequestListener<Ctx> = {
    async willSendResponse({ contextValue, response }) {
      const stream = waiting.get(contextValue);
      if (!stream || response.body.kind !== "single") return;
      waiting.delete(contextValue);
      response.body = {
        kind: "incremental",
        initialResult: { ...response.body.singleResult, hasNext: true },
        subsequentResults: formatted(stream, formatError, editors.get(contextValue) ?? []) as never,
      };
    },
  };
  return { requestDidStart: async () => listener };
}
