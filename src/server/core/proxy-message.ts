/** What the platform knows about a request that the `Request` does not carry. Adapters fill it in. */
export interface PlatformInfo {
  /** The client's address: the TCP peer, or what the platform vouches for (`CF-Connecting-IP` on Workers). */
  clientAddress?: string;
}

/**
 * How an answer becomes a `Response` on a platform; `new Response(body, init)` by default.
 * The Node adapters make one whose parts they write straight to node:http, building the whole
 * `Response` (and the stream inside it) only if something else reads it.
 */
export type RespondWith = (body: ProxyAnswer['body'], init: { status: number; headers: Record<string, string> }) => Response;

/** An answer while the proxy makes it (headers are added on the way out); it leaves as a Fetch `Response`. */
export interface ProxyAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string | ReadableStream<Uint8Array> | null;
}

export function toResponse(answer: ProxyAnswer, respond?: RespondWith): Response {
  const init = { status: answer.status, headers: answer.headers };
  return respond ? respond(answer.body, init) : new Response(answer.body, init);
}
