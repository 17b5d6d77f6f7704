// The proxy on Node: adapters for node:http and connect/Express, server hardening, and the
// Redis store that shares limits between instances. Everything in `superfone-call-button/proxy` too.
export * from './index.js';
export { toNodeListener, type FetchHandler, type NodeListener, type NodeListenerOptions } from './adapters/node-adapter.js';
export {
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  hardenNodeServer,
  type ServerHardening,
} from './adapters/harden-node-server.js';
export { agentsFromFile, type AgentsFileOptions } from './adapters/agents-file.js';
export { redisStore, type RedisLike, type RedisStore, type RedisSubscriberLike } from './core/index.js';
export { superfoneListener, superfoneMiddleware, type ConnectMiddleware, type SuperfoneServerOptions } from './adapters/node-proxy.js';
