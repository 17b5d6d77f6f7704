// The browser extension calls from its own origin, chrome-extension://<id>, which URL reads
// as an opaque "null": the proxy lists it exactly, and no other extension gets in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createSuperfoneProxy } from '../../../../src/server/core/index.js';
import { startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { API_KEY, startBody } from '../../helpers.js';

const OURS = 'chrome-extension://bmjmacigcjpdjajgffhoboihhhijhehm';

describe('a browser extension’s origin can be allowed, exactly', { timeout: 30_000 }, () => {
  it('its calls are taken and granted CORS; another extension, one letter off anywhere, is refused; the page’s null origin too', async () => {
    const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    try {
      const proxy = createSuperfoneProxy({ apiKey: API_KEY, apiBase: upstream.apiBase, allowedOrigins: [OURS + '/'] });
      const call = (origin: string) =>
        proxy(
          new Request('http://127.0.0.1/api/superfone/call', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Origin: origin },
            body: JSON.stringify(startBody()),
          }),
          { clientAddress: '127.0.0.1' },
        );
      const taken = await call(OURS);
      assert.equal(taken.status, 200, await taken.clone().text());
      assert.equal(taken.headers.get('access-control-allow-origin'), OURS);
      const nearMisses = [`chrome-extension://a${OURS.slice(20)}`, `${OURS.slice(0, 35)}x${OURS.slice(36)}`, `${OURS.slice(0, -1)}a`, `moz-extension://${OURS.slice(19)}`, 'null'];
      for (const origin of nearMisses) {
        const refused = await call(origin);
        assert.equal(refused.status, 403, origin);
        assert.equal(refused.headers.get('access-control-allow-origin'), null, origin);
      }
      assert.equal(upstream.simulator.requestCount, 1, 'only the allowed extension’s call reached Superfone');
      // The extension's id is no host name the proxy answers to.
      const rebound = await proxy(new Request(`http://${OURS.slice(19)}/api/superfone/call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }));
      assert.equal(rebound.status, 403);
      assert.throws(() => createSuperfoneProxy({ apiKey: API_KEY, allowedOrigins: ['chrome-extension://*'] }), /wildcard/);
    } finally {
      await upstream.close();
    }
  });
});
