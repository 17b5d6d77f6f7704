// The proxy's answers on Node: a `Response` whose status, headers and body the adapter
// writes as they are, made whole (with the stream inside it) only if something else reads it.
import type { RespondWith } from '../core/index.js';
import { builtWhole, lazyPrototype } from './lazy-fetch-object.js';

type Parts = { body: Parameters<RespondWith>[0]; init: Parameters<RespondWith>[1] };

const PARTS = Symbol('node-response');
type LazyResponse = Response & { [PARTS]: Parts };

const prototype = lazyPrototype(
  Response,
  {
    status: {
      get(this: LazyResponse) {
        return this[PARTS].init.status;
      },
    },
  },
  (lazy) => {
    const { body, init } = (lazy as LazyResponse)[PARTS];
    return new Response(body, init);
  },
);

/** How the Node adapters have the proxy make its answers. */
export const nodeResponse: RespondWith = (body, init) => {
  const response = Object.create(prototype) as LazyResponse;
  response[PARTS] = { body, init };
  return response;
};

/** The parts of a response `nodeResponse` made, while nothing has made it whole; else `null`. */
export function partsToWrite(response: Response): Parts | null {
  const parts = (response as Partial<LazyResponse>)[PARTS];
  return parts && !builtWhole(response) ? parts : null;
}
