import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import type { UpstreamAnswer, UpstreamSend } from '../core/index.js';
import { headerLine, readNodeBody } from './node-message.js';

const decoder = new TextDecoder();

/**
 * The transport the Node adapters use to reach Superfone: node:http(s) with kept-alive
 * connections. Fetch on Node builds a Request, a Response and an abort signal per call,
 * which cost the proxy a fifth of its throughput; this does the same job without them.
 * Redirects are not followed (node:http never does), the answer is read up to `maxBytes`
 * and dropped past it, and after `timeoutMs` the request is destroyed.
 */
export function nodeUpstream(): UpstreamSend {
  const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };
  return (endpoint, query, headers, { timeoutMs, maxBytes }) =>
    new Promise<UpstreamAnswer>((resolve) => {
      let settled = false;
      const settle = (answer: UpstreamAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      };
      const secure = endpoint.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      // Options, not a URL: node:http would turn a URL into these on every call.
      const options = {
        method: 'GET',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname.startsWith('[') ? endpoint.hostname.slice(1, -1) : endpoint.hostname,
        port: endpoint.port || undefined,
        path: `${endpoint.pathname}?${query}`,
        headers,
        agent: secure ? agents['https:'] : agents['http:'],
      };
      const request = send(options, (response: IncomingMessage) => {
        const answered = { kind: 'answered', status: response.statusCode ?? 0, retryAfter: headerLine(response.headers['retry-after']) } as const;
        readNodeBody(response, maxBytes).then(
          (body) => {
            // Past the limit: the rest is not read, and the connection not reused.
            if (!body.ok) response.destroy();
            settle({ ...answered, text: body.ok ? decoder.decode(body.bytes) : undefined });
          },
          // Cut off mid-answer: nothing usable arrived.
          () => settle({ kind: 'unreachable' }),
        );
      });
      const timer = setTimeout(() => {
        settle({ kind: 'timeout' });
        request.destroy();
      }, timeoutMs);
      request.on('error', () => settle({ kind: 'unreachable' }));
      request.end();
    });
}
