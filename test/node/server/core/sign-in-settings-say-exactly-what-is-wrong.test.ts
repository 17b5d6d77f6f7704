import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type AgentTokenOptions, createSuperfoneProxy } from '../../../../src/server/core/index.js';
import { API_KEY } from '../../helpers.js';

// Each sign-in setting an operator can get wrong stops the proxy at start with its own words,
// naming the option as given in code (auth.*), and its bounds taken at both ends. A planted
// bug that named no option (auth.agentClaim said as "") passed every other test, which
// matched a word or two. The messages are written out by hand; the options are untyped, as
// JavaScript callers and bad configuration give them.
const SECRET = 's'.repeat(32);
const JWKS = 'https://idp.example/.well-known/jwks.json';
const ISSUER = 'https://idp.example';

const refusal = (auth: Record<string, unknown>): string | null => {
  try {
    createSuperfoneProxy({ apiKey: API_KEY, auth: auth as unknown as AgentTokenOptions });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('sign-in settings say exactly what is wrong', () => {
  it('each mistake in its own words, naming its option', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, "createSuperfoneProxy: sign-in needs exactly one of secret (auth.secret: HS256, shared with the CRM's server) or jwksUrl (auth.jwksUrl: the identity provider's keys)."],
      [
        { secret: SECRET, jwksUrl: JWKS, issuer: ISSUER },
        "createSuperfoneProxy: sign-in needs exactly one of secret (auth.secret: HS256, shared with the CRM's server) or jwksUrl (auth.jwksUrl: the identity provider's keys).",
      ],
      [{ secret: 's'.repeat(31) }, 'createSuperfoneProxy: auth.secret must be at least 32 characters; use a long random value.'],
      [{ jwksUrl: 'idp.example/jwks', issuer: ISSUER }, 'createSuperfoneProxy: auth.jwksUrl "idp.example/jwks" is not a URL.'],
      [
        { jwksUrl: 'http://idp.example/jwks', issuer: ISSUER },
        'createSuperfoneProxy: auth.jwksUrl must be https (http only on loopback): keys fetched in the clear could be swapped.',
      ],
      [{ jwksUrl: JWKS }, "createSuperfoneProxy: auth.issuer is required with auth.jwksUrl: a provider's keys sign tokens for others too."],
      [{ secret: SECRET, agentClaim: '  ' }, 'createSuperfoneProxy: auth.agentClaim must name a claim.'],
      [{ secret: SECRET, agents: 'asha@example.com' }, 'createSuperfoneProxy: auth.agents must be a function of an email.'],
      [{ secret: SECRET, agents: () => null, agentClaim: 'phone' }, 'createSuperfoneProxy: auth.agents and auth.agentClaim both say who the agent is; keep one.'],
      [{ secret: SECRET, maxTokenAge: 59 }, 'createSuperfoneProxy: auth.maxTokenAge must be a whole number of seconds from 60 to 2592000 (30 days).'],
      [{ secret: SECRET, maxTokenAge: 2_592_001 }, 'createSuperfoneProxy: auth.maxTokenAge must be a whole number of seconds from 60 to 2592000 (30 days).'],
      [{ secret: SECRET, maxTokenAge: 600.5 }, 'createSuperfoneProxy: auth.maxTokenAge must be a whole number of seconds from 60 to 2592000 (30 days).'],
      [{ secret: SECRET, clockToleranceSec: -1 }, 'createSuperfoneProxy: auth.clockToleranceSec must be a number of seconds from 0 to 3600.'],
      [{ secret: SECRET, clockToleranceSec: 3_601 }, 'createSuperfoneProxy: auth.clockToleranceSec must be a number of seconds from 0 to 3600.'],
      [{ secret: SECRET, jwksCooldownSec: Number.NaN }, 'createSuperfoneProxy: auth.jwksCooldownSec must be a number of seconds from 0 to 3600.'],
    ];
    for (const [auth, message] of cases) assert.equal(refusal(auth), message, JSON.stringify(auth));
  });

  it('the bounds themselves are taken: 32 characters, 60 s and 30 days, 0 and 3600 s, http on loopback', () => {
    for (const auth of [
      { secret: SECRET },
      { secret: SECRET, maxTokenAge: 60 },
      { secret: SECRET, maxTokenAge: 2_592_000 },
      { secret: SECRET, clockToleranceSec: 0, jwksCooldownSec: 3_600 },
      { secret: SECRET, agentClaim: 'phone' },
      { secret: SECRET, agents: () => null },
      { jwksUrl: 'http://127.0.0.1:8080/jwks', issuer: ISSUER },
      { jwksUrl: 'http://[::1]:8080/jwks', issuer: ISSUER },
      { jwksUrl: JWKS, issuer: ISSUER },
    ]) {
      assert.equal(refusal(auth), null, JSON.stringify(auth));
    }
  });
});
