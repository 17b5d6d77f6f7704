import type { WhoamiBody } from '../../shared/protocol.js';
import { maskNumber } from './audit.js';
import { carriesBody } from './body-limit.js';
import type { Exchange } from './exchange.js';
import { type AgentIdentification, identifyAgent } from './identify-agent.js';
import type { ProxyAnswer } from './proxy-message.js';
import { jsonAnswer } from './responses.js';

/**
 * `POST …/whoami`: who this request would call as, for a setup check that tells the truth
 * (the browser extension's Save). Reached only past the host and origin checks, it runs the
 * same identity checks as a call and places nothing. A POST, because a browser sends its
 * `Origin` on a POST and not on a GET: a GET could pass where a call would be refused.
 */
export async function whoami(exchange: Exchange, parts: AgentIdentification): Promise<ProxyAnswer> {
  const { request, refuse, finish } = exchange;
  if (request.method !== 'POST') {
    return refuse({ code: 'bad_request', status: 405, message: `Use POST to ask who you are (got ${request.method}).`, headers: { Allow: 'POST' }, kind: 'method' });
  }
  // It reads no body, so it takes none.
  if (carriesBody(request)) {
    return refuse({ code: 'bad_request', status: 413, message: 'whoami takes no body.' });
  }
  const identity = await identifyAgent(exchange, parts);
  if (!identity.ok) return identity.answer;
  exchange.entry.agent = identity.agentNumber && maskNumber(identity.agentNumber);
  const body: WhoamiBody = { agentNumber: identity.agentNumber, ...(identity.email ? { email: identity.email } : {}) };
  return finish(jsonAnswer(body, 200), 'ok');
}
