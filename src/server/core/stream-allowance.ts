import type { Exchange } from './exchange.js';
import type { StreamBudget } from './notifications/call-stream.js';
import type { ProxyAnswer } from './proxy-message.js';

/**
 * Opens one of a client's streams (a followed call, the missed calls) from the per-client
 * budget: its `release`, or the refusal that names the limit. Both stream routes count
 * against one budget, so both refuse alike.
 */
export function claimStream(exchange: Exchange, clientKey: string | null, streams: StreamBudget): { release: () => void } | { refused: ProxyAnswer } {
  if (clientKey === null) {
    return { refused: exchange.refuse({ code: 'internal_error' }, 'no client identity for the stream limit: pass clientAddress from the adapter, or set clientKey') };
  }
  const release = streams.tryOpen(clientKey);
  if (release) return { release };
  return {
    refused: exchange.refuse(
      {
        code: 'rate_limited',
        message: 'Too many streams are open from this browser (the followed-calls limit). Close other tabs, then reload.',
        headers: { 'Retry-After': '30' },
        detail: { limit: 'followed-calls' },
      },
      'limit followed-calls',
    ),
  };
}
