import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { API_KEY, proxiesPerTest, type ProxyUnderTest, startBody } from '../../helpers.js';

const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';
const PIECE = 10;

/** Fails when any run of 10 characters of `secret` is in `text`. */
function assertNoPiece(text: string, secret: string, context: string): void {
  for (let start = 0; start + PIECE <= secret.length; start++) {
    const piece = secret.slice(start, start + PIECE);
    assert.ok(!text.includes(piece), `${JSON.stringify(piece)} (characters ${start}–${start + PIECE - 1} of a secret) left in ${context}: ${JSON.stringify(text.slice(0, 300))}`);
  }
}

/** Everything the proxy let out since `from`: answers (headers and bodies) and log lines. */
function checkEmitted(proxy: ProxyUnderTest, from: number, context: string): void {
  for (const text of proxy.emitted.slice(from)) {
    assertNoPiece(text, API_KEY, context);
    assertNoPiece(text, WEBHOOK_SECRET, context);
  }
}

/** An END answered by Superfone with `message`: the proxies here have no limits, so any number may be sent. */
async function endAnsweredWith(proxy: ProxyUnderTest, message: string) {
  proxy.upstream.simulator.setFault({ kind: 'success-message', message }, 1);
  return proxy.call({ ...startBody(), call_action: 'END' });
}

describe('no 10-character piece of the API key or the webhook secret leaves the proxy, wherever Superfone puts it', { timeout: 120_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('the key at every offset of a message around the 200-character cut, and the message is still passed on', async () => {
    const proxy = await proxyFor({ webhookSecret: WEBHOOK_SECRET, rateLimits: false });
    for (let offset = 0; offset <= 230; offset++) {
      const from = proxy.emitted.length;
      const message = `${'m'.repeat(offset)}${API_KEY}${'n'.repeat(20)}`;
      const answer = await endAnsweredWith(proxy, message);
      assert.equal(answer.status, 200);
      checkEmitted(proxy, from, `offset ${offset}`);
      assert.ok(answer.json.message.length <= 200);
      // Redacted, then cut: what comes before the key is kept, and the key is the marker's, even when fewer than 10 of its characters fit before the cut.
      assert.equal(answer.json.message, `${'m'.repeat(offset)}[redacted]${'n'.repeat(20)}`.slice(0, 200));
    }
  });

  it('property: any text, the key and the secret anywhere in it, whole, repeated or in pieces of 10 or more', async () => {
    const proxy = await proxyFor({ webhookSecret: WEBHOOK_SECRET, rateLimits: false });
    const filler = fc.string({ maxLength: 300 });
    const pieceOf = (secret: string) =>
      fc.integer({ min: 0, max: secret.length - PIECE }).chain((start) => fc.integer({ min: start + PIECE, max: secret.length }).map((end) => secret.slice(start, end)));
    const part = fc.oneof(filler, fc.constant(API_KEY), fc.constant(WEBHOOK_SECRET), pieceOf(API_KEY), pieceOf(WEBHOOK_SECRET));
    await fc.assert(
      fc.asyncProperty(fc.array(part, { minLength: 1, maxLength: 8 }), async (parts) => {
        const from = proxy.emitted.length;
        const answer = await endAnsweredWith(proxy, parts.join(''));
        assert.equal(answer.status, 200);
        checkEmitted(proxy, from, `the message ${JSON.stringify(parts)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('a log line’s detail: an integrator’s hook that throws with the key at any offset', async () => {
    let message = '';
    const proxy = await proxyFor({
      webhookSecret: WEBHOOK_SECRET,
      authorize: () => {
        throw new Error(message);
      },
    });
    for (let offset = 0; offset <= 40; offset++) {
      message = `${'e'.repeat(offset)}${API_KEY.slice(0, 12)} then ${WEBHOOK_SECRET}`;
      const from = proxy.emitted.length;
      const answer = await proxy.call(startBody());
      assert.equal(answer.status, 500);
      checkEmitted(proxy, from, `the hook's message at offset ${offset}`);
      assert.match(proxy.logs.at(-1)!.detail!, /\[redacted\]/);
    }
  });
});
