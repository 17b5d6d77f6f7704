export {
  createSuperfoneProxy,
  DEFAULT_API_BASE,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
  type AuthorizeResult,
  type ProxyLogEntry,
  type SuperfoneProxyHandler,
  type SuperfoneProxyOptions,
} from './proxy.js';
export {
  superfoneMiddleware,
  toFetchRequest,
  toNodeListener,
  writeFetchResponse,
  type ConnectMiddleware,
  type FetchHandler,
  type NodeListener,
} from './node-adapter.js';
export { buildClickToCallUrl, CLICK_TO_CALL_PATH } from './superfone-client.js';
export * from '../protocol.js';
