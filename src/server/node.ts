// The proxy on Node: adapters for node:http and connect/Express, server hardening, and the
// Redis store that shares limits between instances. Everything in `superfone-call-button/proxy` too.
export { type AgentsFileOptions, agentsFromFile } from './adapters/agents-file.js';
export {
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  hardenNodeServer,
  type ServerHardening,
} from './adapters/harden-node-server.js';
export { type FetchHandler, type NodeListener, type NodeListenerOptions, toNodeListener } from './adapters/node-adapter.js';
export { type ConnectMiddleware, superfoneListener, superfoneMiddleware, type SuperfoneServerOptions } from './adapters/node-proxy.js';
export { type RedisLike, type RedisStore, redisStore, type RedisSubscriberLike } from './core/index.js';
export * from './index.js';
