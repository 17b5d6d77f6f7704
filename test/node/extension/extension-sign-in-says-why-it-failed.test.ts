// The options page's Sign in, when it does not end signed in: each way it fails is said in
// words the agent can act on, and nothing is kept. A real OpenID provider (oidc-provider,
// over https) answers the token request; the provider's window, which only a browser can
// open, is played by each scenario (test/support/sign-in-attempts.ts).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { EXTENSION_ID } from '../../support/fake-chrome.js';
import { freePort } from '../../support/free-port.js';
import { startOidcTestProvider } from '../../support/oidc-test-provider.js';
import { loopbackCertificate } from '../../support/test-certificate.js';

const CLIENT_ID = 'superfone-extension';

describe('a sign-in that fails says why, and keeps nothing', { timeout: 60_000 }, () => {
  it('a provider that was down, then back: the window closed, the agent declined, the provider refused the code, a state nobody sent, a provider that is not there', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'superfone-sign-in-fails-'));
    const tls = loopbackCertificate(folder);
    const idp = await startOidcTestProvider({
      tls,
      clientId: CLIENT_ID,
      redirectUri: `https://${EXTENSION_ID}.chromiumapp.org/`,
      webOrigin: `chrome-extension://${EXTENSION_ID}`,
      accounts: [{ email: 'asha@example.com', password: 'pw-asha-1' }],
      idTokenTtlSec: 300,
      discoveryDownFor: 1,
    });
    try {
      const unreachable = `https://127.0.0.1:${await freePort()}`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/support/sign-in-attempts.ts'], {
        env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: tls.certFile, ISSUER: idp.issuer, CLIENT_ID, UNREACHABLE_ISSUER: unreachable },
        timeout: 40_000,
      });
      const results = JSON.parse(stdout) as Record<string, { state: { signedIn: boolean; problem?: string }; kept: string[] }>;
      // Down at the first sign-in; each later one asks it again, so the agent need not restart anything once it is back.
      assert.equal(results['provider-down']!.state.signedIn, false);
      assert.match(
        results['provider-down']!.state.problem!,
        new RegExp(`^The sign-in provider at ${idp.issuer.replace(/\./g, '\\.')} did not answer as an OpenID provider \\(.+\\)\\. Check the address\\.$`),
      );
      assert.deepEqual(results['provider-down']!.kept, []);
      assert.deepEqual(results.closed, { state: { signedIn: false, problem: 'Not signed in: the sign-in window closed first.' }, kept: [] });
      assert.deepEqual(results.declined, { state: { signedIn: false, problem: 'Not signed in: The user did not approve access.' }, kept: [] });
      // The provider's own words for the refusal, after ours.
      assert.deepEqual(results['bogus-code'], {
        state: { signedIn: false, problem: 'The sign-in provider refused the sign-in (invalid_grant: grant request is invalid).' },
        kept: [],
      });
      assert.equal(results['other-state']!.state.signedIn, false);
      assert.match(results['other-state']!.state.problem!, /^The sign-in provider refused the sign-in \(.*"state".*\)\.$/);
      assert.deepEqual(results['other-state']!.kept, []);
      assert.equal(results.unreachable!.state.signedIn, false);
      assert.match(
        results.unreachable!.state.problem!,
        new RegExp(`^The sign-in provider at ${unreachable.replace(/\./g, '\\.')} did not answer as an OpenID provider \\(.+\\)\\. Check the address\\.$`),
      );
      assert.deepEqual(results.unreachable!.kept, []);
    } finally {
      await idp.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
