import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeJwt, decodeProtectedHeader } from 'jose';

import { mintAgentToken } from '../../../../src/server/core/mint-agent-token.js';

// mintAgentToken's lifetime: 10 minutes unless asked, a day at most (a longer-lived token is a
// password nobody can change). Planted "100 minutes" and "any lifetime" survived every other
// test. The tokens are read back with jose's decoder, not our own code.
const SECRET = 'jwt_test_secret_0123456789abcdef_0123456789';

describe('minted sign-in tokens live as long as asked, 10 minutes by default, a day at most', () => {
  it('by default exp is iat + 600 s, and the claims are as docs/proxy.md lists them', async () => {
    const claims = decodeJwt(await mintAgentToken({ secret: SECRET, agentNumber: '98765 43210' }));
    assert.equal(claims.exp! - claims.iat!, 600);
    assert.ok(Math.abs(claims.iat! - Date.now() / 1000) < 5, 'issued now');
    assert.deepEqual([claims.superfone_agent, claims.aud], ['+919876543210', 'superfone-proxy']);
    assert.equal(decodeProtectedHeader(await mintAgentToken({ secret: SECRET, agentNumber: '+919876543210' })).alg, 'HS256');
  });

  it('ttlSec from 1 s to a day is taken as asked; longer, zero, negative or fractional is refused', async () => {
    for (const ttlSec of [1, 3_600, 86_400]) {
      const claims = decodeJwt(await mintAgentToken({ secret: SECRET, agentNumber: '+919876543210', ttlSec }));
      assert.equal(claims.exp! - claims.iat!, ttlSec);
    }
    for (const ttlSec of [86_401, 30 * 86_400, 0, -60, 1.5]) {
      await assert.rejects(
        mintAgentToken({ secret: SECRET, agentNumber: '+919876543210', ttlSec }),
        /mintAgentToken: ttlSec must be a whole number of seconds from 1 to 86400/,
        String(ttlSec),
      );
    }
  });
});
