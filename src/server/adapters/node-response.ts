// The proxy's answers on Node: a `Response` whose status, headers and body the adapter
// writes as they are, made whole (with the stream inside it) only if something else reads it.
import type { PlatformInfo } from '../core/index.js';
import { builtWhole, lazyPrototype } from './lazy-fetch-object.js';

type Respond = NonNullable<PlatformInfo['respond']>;
type Parts = { body: Parameters<Respond>[0]; init: Parameters<Respond>[1] };

const PARTS = Symbol('node-response');
type LazyResponse = Response & { [PARTS]: Parts };

const prototype = lazyPrototype(Response, { status: { get(this: LazyResponse) { return this[PARTS].init.status; } } }, (lazy) => {
  const { body, init } = (lazy as LazyResponse)[PARTS];
  return new Response(body, init);
});

/** How the Node adapter has the proxy make its answers (`PlatformInfo.respond`). */
export const nodeResponse: Respond = (body, init) => {
  const response = Object.create(prototype) as LazyResponse;
  response[PARTS] = { body, init };
  return response;
};

/** The parts of a response `nodeResponse` made, while nothing has made it whole; else `null`. */
export function partsToWrite(response: Response): Parts | null {
  const parts = (response as Partial<LazyResponse>)[PARTS];
  return parts && !builtWhole(response) ? parts : null;
}
