import { type CountryCode, normalizePhoneNumber } from '../../shared/phone-number.js';
import type { Exchange } from './exchange.js';
import type { TokenVerdict } from './guards/agent-token.js';
import type { ProxyAnswer } from './proxy-message.js';

/**
 * What `authorize` decides for one request:
 * - a string: the signed-in user's agent number; the page cannot name another;
 * - `undefined`: allowed, and the page names the agent;
 * - `false`: refused with `401 unauthorized`.
 */
export type AuthorizeResult = string | undefined | false;

/** Who may call, built once per proxy. */
export interface AgentIdentification {
  defaultCountry: CountryCode;
  /** Checks the sign-in token, where `auth` is set: the agent it binds, or why not. */
  verifyToken?: (authorization: string | null) => Promise<TokenVerdict>;
  authorize?: (request: Request) => AuthorizeResult | Promise<AuthorizeResult>;
}

/** The agent the request's identity binds (`null`: the page names the agent), or the refusal already answered. */
export type Identified = { ok: true; agentNumber: string | null; email?: string } | { ok: false; answer: ProxyAnswer };

/**
 * Who is calling, from the request's headers alone (a call and `whoami` alike): the token's
 * agent, then the integrator's rule, which may refuse or agree but not name another agent.
 */
export async function identifyAgent(exchange: Exchange, parts: AgentIdentification): Promise<Identified> {
  const { request, refuse } = exchange;
  let agentNumber: string | null = null;
  let email: string | undefined;
  const authorization = request.headers.get('authorization');
  // Fetch joins repeated headers with commas, which no Bearer token holds: which one counts would be a guess.
  if (authorization?.includes(',')) {
    return { ok: false, answer: refuse({ code: 'bad_request', message: 'The request has more than one Authorization header.', kind: 'malformed' }) };
  }
  if (parts.verifyToken) {
    const verdict = await parts.verifyToken(authorization);
    if (!verdict.ok) return { ok: false, answer: refuse(verdict.failure, verdict.reason) };
    ({ agentNumber, email } = verdict);
  }
  if (parts.authorize) {
    const decision = await parts.authorize(request);
    if (decision === false) return { ok: false, answer: refuse({ code: 'unauthorized', kind: 'identity' }) };
    if (typeof decision === 'string') {
      const normalized = normalizePhoneNumber(decision, parts.defaultCountry);
      if (!normalized.ok) {
        return { ok: false, answer: refuse({ code: 'internal_error' }, 'authorize() returned an agent number that is not a valid phone number') };
      }
      if (agentNumber && agentNumber !== normalized.e164) {
        return { ok: false, answer: refuse({ code: 'forbidden', message: 'Your sign-in token and your session name different Superfone numbers. Sign in again.' }) };
      }
      agentNumber = normalized.e164;
    }
  }
  return { ok: true, agentNumber, ...(email ? { email } : {}) };
}
