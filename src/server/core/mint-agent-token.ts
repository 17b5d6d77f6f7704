import { SignJWT } from 'jose';

import { type CountryCode, normalizePhoneNumber } from '../../shared/phone-number.js';
import { DEFAULT_COUNTRY } from '../../shared/protocol.js';
import { checkAgentTokenOptions, DEFAULT_AGENT_CLAIM, DEFAULT_TOKEN_AUDIENCE } from './guards/agent-token.js';

export interface AgentTokenClaims {
  /** The HS256 secret the proxy's `auth.secret` (`SUPERFONE_JWT_SECRET`) holds. */
  secret: string;
  /** The signed-in user's Superfone number, in any format the proxy normalizes. */
  agentNumber: string;
  /** How long the token is good for, in seconds. Default 600. */
  ttlSec?: number;
  /** `aud`. Default `superfone-proxy`. */
  audience?: string;
  /** `iss`, where the proxy requires one. */
  issuer?: string;
  /** The claim the agent's number goes in. Default `superfone_agent`. */
  agentClaim?: string;
  /** Region for an agent number written without a country code. Default `IN`. */
  defaultCountry?: CountryCode;
}

const DEFAULT_TTL_SEC = 600;
/** A sign-in token outliving a working day is a password that cannot be changed. */
const MAX_TTL_SEC = 24 * 3_600;

/**
 * A sign-in token for one agent, for a CRM's server on Node (or any runtime with Web
 * Crypto) to hand to its page: HS256 with the proxy's secret, claims `superfone_agent`
 * (E.164), `aud`, `iat`, `exp` and, where given, `iss`.
 */
export async function mintAgentToken(claims: AgentTokenClaims): Promise<string> {
  checkAgentTokenOptions({ secret: claims.secret }, 'mintAgentToken');
  const ttlSec = claims.ttlSec ?? DEFAULT_TTL_SEC;
  if (!(Number.isInteger(ttlSec) && ttlSec > 0 && ttlSec <= MAX_TTL_SEC)) {
    throw new TypeError(`mintAgentToken: ttlSec must be a whole number of seconds from 1 to ${MAX_TTL_SEC}.`);
  }
  const agent = normalizePhoneNumber(claims.agentNumber, claims.defaultCountry ?? DEFAULT_COUNTRY);
  if (!agent.ok) throw new TypeError(`mintAgentToken: the agent number "${claims.agentNumber}" is not a valid phone number.`);
  const token = new SignJWT({ [claims.agentClaim ?? DEFAULT_AGENT_CLAIM]: agent.e164 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(claims.audience ?? DEFAULT_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSec}s`);
  if (claims.issuer) token.setIssuer(claims.issuer);
  return token.sign(new TextEncoder().encode(claims.secret));
}
