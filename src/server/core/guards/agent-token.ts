import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';

import { type CountryCode, normalizePhoneNumber } from '../../../shared/phone-number.js';
import type { ProxyFailure } from '../responses.js';
import { type AgentDirectory, emailKey } from './agent-directory.js';
import { isLoopback } from './host-policy.js';

/**
 * Who is calling, from the CRM's own sign-in: a JWT the CRM's server (HS256, a shared
 * secret) or its identity provider (RS256, ES256, EdDSA, its published keys) signed,
 * sent as `Authorization: Bearer <token>`, naming the agent's number in a claim.
 * Verified by `jose`; runs on any runtime with Web Crypto.
 */
export interface AgentTokenOptions {
  /** HS256 secret the CRM's server signs with: 32 characters or more. */
  secret?: string;
  /** The identity provider's public keys (a JWKS URL, https; http on loopback only). */
  jwksUrl?: string;
  /** Required `iss`; must be set with `jwksUrl`. */
  issuer?: string;
  /** Required `aud`. Default `superfone-proxy`. */
  audience?: string;
  /** The claim holding the agent's number, in any format the proxy normalizes. Default `superfone_agent`. */
  agentClaim?: string;
  /**
   * Finds the agent by the token's `email` instead of a claim, for company sign-ins that know
   * nobody's Superfone number (an ID token from Google Workspace, Entra ID, Okta, Keycloak).
   * An email the provider marks unverified (`email_verified: false`) never counts; one not
   * listed gets `403`. Not with `agentClaim`: one source decides who the agent is.
   */
  agents?: AgentDirectory;
  /** Clock skew allowed on `exp` and `nbf`, in seconds. Default 30. */
  clockToleranceSec?: number;
  /** The longest lifetime a token may have (`exp` minus `iat`, or minus now without `iat`), in seconds: a longer one is a password that cannot be changed. Default 43 200 (12 h). */
  maxTokenAge?: number;
  /** A token with a key id the cached keys lack fetches them again, at most this often, in seconds. Default 30. */
  jwksCooldownSec?: number;
}

export const DEFAULT_TOKEN_AUDIENCE = 'superfone-proxy';
export const DEFAULT_AGENT_CLAIM = 'superfone_agent';
const DEFAULT_CLOCK_TOLERANCE_SEC = 30;
export const DEFAULT_MAX_TOKEN_AGE_SEC = 12 * 3_600;
/** An `iat` later than this ahead of the proxy's clock is no clock skew. */
const MAX_IAT_AHEAD_SEC = 60;
const DEFAULT_JWKS_COOLDOWN_SEC = 30;
/** Keys are fetched again after this long even when every token's key is known. */
const JWKS_CACHE_MAX_AGE_MS = 10 * 60 * 1000;
/** How long the identity provider has to answer. */
const JWKS_TIMEOUT_MS = 5_000;
/** A sign-in token is a few hundred bytes; far more is not one, and is not parsed. */
const MAX_TOKEN_CHARS = 8_192;
const MIN_SECRET_CHARS = 32;
/** How long a page should wait while the identity provider is out of reach. */
const PROVIDER_RETRY_AFTER_SEC = 10;
/** The kinds of key identity providers publish; never `none`, and never HS256 with a public key. */
const PUBLIC_KEY_ALGORITHMS = ['RS256', 'ES256', 'EdDSA', 'Ed25519'];

/** A refusal's `reason`, where its code alone does not say it, goes into the audit line. */
export type TokenVerdict = { ok: true; agentNumber: string; email?: string } | { ok: false; failure: ProxyFailure; reason?: string };

/** How each setting is named where it was given: `auth.secret` in code, `SUPERFONE_JWT_SECRET` to the CLI. */
export type AgentTokenSettingNames = Record<'secret' | 'jwksUrl' | 'issuer' | 'agentClaim' | 'agents' | 'maxTokenAge', string>;

const OPTION_NAMES: AgentTokenSettingNames = {
  secret: 'auth.secret',
  jwksUrl: 'auth.jwksUrl',
  issuer: 'auth.issuer',
  agentClaim: 'auth.agentClaim',
  agents: 'auth.agents',
  maxTokenAge: 'auth.maxTokenAge',
};

/** Bad settings are the operator's to fix at start-up; the message names them as `where` knows them. */
export function checkAgentTokenOptions(options: AgentTokenOptions, where: string, names: AgentTokenSettingNames = OPTION_NAMES): void {
  const { secret, jwksUrl } = options;
  if ((secret === undefined) === (jwksUrl === undefined)) {
    throw new TypeError(
      `${where}: sign-in needs exactly one of secret (${names.secret}: HS256, shared with the CRM's server) or jwksUrl (${names.jwksUrl}: the identity provider's keys).`,
    );
  }
  if (secret !== undefined && secret.length < MIN_SECRET_CHARS) {
    throw new TypeError(`${where}: ${names.secret} must be at least ${MIN_SECRET_CHARS} characters; use a long random value.`);
  }
  if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new TypeError(`${where}: ${names.jwksUrl} "${jwksUrl}" is not a URL.`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new TypeError(`${where}: ${names.jwksUrl} must be https (http only on loopback): keys fetched in the clear could be swapped.`);
    }
    if (!options.issuer) throw new TypeError(`${where}: ${names.issuer} is required with ${names.jwksUrl}: a provider's keys sign tokens for others too.`);
  }
  if (options.agentClaim !== undefined && options.agentClaim.trim() === '') throw new TypeError(`${where}: ${names.agentClaim} must name a claim.`);
  if (options.agents !== undefined && typeof options.agents !== 'function') throw new TypeError(`${where}: ${names.agents} must be a function of an email.`);
  if (options.agents !== undefined && options.agentClaim !== undefined) {
    throw new TypeError(`${where}: ${names.agents} and ${names.agentClaim} both say who the agent is; keep one.`);
  }
  if (options.maxTokenAge !== undefined && !(Number.isInteger(options.maxTokenAge) && options.maxTokenAge >= 60 && options.maxTokenAge <= 30 * 86_400)) {
    throw new TypeError(`${where}: ${names.maxTokenAge} must be a whole number of seconds from 60 to 2592000 (30 days).`);
  }
  for (const [name, value] of [
    ['clockToleranceSec', options.clockToleranceSec],
    ['jwksCooldownSec', options.jwksCooldownSec],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 3_600)) {
      throw new TypeError(`${where}: auth.${name} must be a number of seconds from 0 to 3600.`);
    }
  }
}

function refused(code: 'unauthorized' | 'token_expired', message: string, error?: string, reason?: string): TokenVerdict {
  // RFC 6750: a request with no token gets the scheme alone; a bad token says it is one.
  const challenge = error ? `Bearer realm="superfone-proxy", error="${error}"` : 'Bearer realm="superfone-proxy"';
  return { ok: false, failure: { code, message, status: 401, headers: { 'WWW-Authenticate': challenge }, kind: 'identity' }, ...(reason ? { reason } : {}) };
}

/** A token that verified, refused for how long it lives: issued ahead of the clock, or good for longer than allowed. */
function lifetimeRefusal(payload: JWTPayload, maxTokenAge: number, nowSec = Date.now() / 1000): TokenVerdict | null {
  if (typeof payload.iat === 'number' && payload.iat > nowSec + MAX_IAT_AHEAD_SEC) {
    return refused('unauthorized', 'Your sign-in token was issued in the future. Check the clock of the CRM’s server, or sign in again.', 'invalid_token', 'token_from_the_future');
  }
  const from = typeof payload.iat === 'number' ? payload.iat : nowSec;
  if (payload.exp! - from > maxTokenAge) {
    return refused(
      'unauthorized',
      `Your sign-in token is good for longer than this call service allows (${Math.round(maxTokenAge / 60)} min). Ask for a shorter-lived one.`,
      'invalid_token',
      'token_too_long_lived',
    );
  }
  return null;
}

/** The identity provider could not be asked: no token is accepted unchecked. */
function providerUnavailable(): TokenVerdict {
  return {
    ok: false,
    failure: {
      code: 'auth_unavailable',
      message: 'Your sign-in could not be checked just now. Try again in a moment.',
      headers: { 'Retry-After': String(PROVIDER_RETRY_AFTER_SEC) },
      kind: 'identity',
    },
  };
}

/** Whether a failure to verify means the keys could not be fetched, rather than a bad token. */
function keysUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // A JWKS answer that is not 200, or a network failure before any answer.
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  return true;
}

/**
 * Checks the `Authorization` header of a call request and returns the agent its token
 * binds, or why it is refused: `401 unauthorized` (no token, a bad signature, `alg: none`
 * or another algorithm than the configured kind, wrong audience or issuer, an unknown key,
 * anything malformed, no agent number in it), `401 token_expired` (expired or not yet
 * valid), or `503 auth_unavailable` (the identity provider's keys out of reach).
 */
export function createAgentTokenVerifier(options: AgentTokenOptions, defaultCountry: CountryCode): (authorization: string | null) => Promise<TokenVerdict> {
  const verifyOptions = {
    algorithms: options.secret ? ['HS256'] : PUBLIC_KEY_ALGORITHMS,
    audience: options.audience ?? DEFAULT_TOKEN_AUDIENCE,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    clockTolerance: options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
    // A token that never expires is a password that cannot be changed.
    requiredClaims: ['exp'],
  };
  const agentClaim = options.agentClaim ?? DEFAULT_AGENT_CLAIM;
  const maxTokenAge = options.maxTokenAge ?? DEFAULT_MAX_TOKEN_AGE_SEC;
  let verify: (token: string) => Promise<{ payload: JWTPayload }>;
  if (options.secret) {
    const secret = new TextEncoder().encode(options.secret);
    verify = (token) => jwtVerify(token, secret, verifyOptions);
  } else {
    const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl!), {
      timeoutDuration: JWKS_TIMEOUT_MS,
      cooldownDuration: (options.jwksCooldownSec ?? DEFAULT_JWKS_COOLDOWN_SEC) * 1000,
      cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
    });
    verify = (token) => jwtVerify(token, keys, verifyOptions);
  }

  return async (authorization) => {
    if (!/^Bearer(\s|$)/i.test(authorization ?? '')) return refused('unauthorized', 'Sign in to call: this call service needs your sign-in token (Authorization: Bearer …).');
    const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization!)?.[1];
    if (!token || token.length > MAX_TOKEN_CHARS) return refused('unauthorized', 'Your sign-in token is not one this call service can read. Sign in again.', 'invalid_token');
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return refused('token_expired', 'Your sign-in has expired. Sign in again, then retry.', 'invalid_token');
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
        return refused('token_expired', 'Your sign-in token is not valid yet. Check the clock of the CRM’s server, or sign in again.', 'invalid_token');
      }
      if (!options.secret && keysUnreachable(error)) return providerUnavailable();
      return refused('unauthorized', 'Your sign-in token was not accepted. Sign in again, then retry.', 'invalid_token');
    }
    const tooLong = lifetimeRefusal(payload, maxTokenAge);
    if (tooLong) return tooLong;
    if (options.agents) return agentByEmail(payload, options.agents);
    const claimed = payload[agentClaim];
    const agent = typeof claimed === 'string' || typeof claimed === 'number' ? normalizePhoneNumber(String(claimed), defaultCountry) : null;
    if (!agent?.ok) return refused('unauthorized', `Your sign-in token names no Superfone number (${agentClaim}). Ask your administrator.`, 'invalid_token');
    return { ok: true, agentNumber: agent.e164 };
  };
}

function notAnAgent(refused: 'not_an_agent' | 'email_unverified', message: string): TokenVerdict {
  return { ok: false, failure: { code: 'forbidden', message, detail: { refused }, kind: 'identity' } };
}

/** The agent the administrator's list gives the token's verified email. */
async function agentByEmail(payload: JWTPayload, agents: AgentDirectory): Promise<TokenVerdict> {
  const email = typeof payload.email === 'string' ? payload.email.trim() : '';
  if (!email)
    return refused(
      'unauthorized',
      'Your sign-in names no email, so this call service cannot tell which agent you are. Ask your administrator (the sign-in needs the email scope).',
      'invalid_token',
    );
  if (payload.email_verified === false || payload.email_verified === 'false') {
    return notAnAgent('email_unverified', `Your sign-in provider has not verified ${email}. Verify it there, or ask your administrator.`);
  }
  const agentNumber = await agents(emailKey(email));
  if (!agentNumber) return notAnAgent('not_an_agent', `${email} is not an agent on this call service. Ask your administrator to add it to the agents file.`);
  return { ok: true, agentNumber, email };
}
