// The extension's settings as a person types them: each field's problem in words they can act
// on, and what is right normalized (the agent's number to E.164, sites to origins).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { SignJWT, UnsecuredJWT } from 'jose';

import { checkSettings, sitePatterns } from '../../../src/extension/settings.js';
import { checkSetup } from '../../../src/extension/setup-check.js';
import { startHttpProxy } from '../helpers.js';

const secret = new TextEncoder().encode('extension-settings-test-secret-0123456789');
const NOW = 1_900_000_000;
const token = (exp: number) => new SignJWT({ superfone_agent: '+919876543210' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(secret);

describe('the extension’s settings say what is wrong, field by field', () => {
  it('good settings are normalized: the number to E.164, sites to origins, one each', async () => {
    const check = checkSettings(
      {
        proxyUrl: ' https://proxy.example.com/api/superfone/call ',
        agentNumber: '098765 43210',
        token: await token(NOW + 60),
        sites: 'crm.example.com\nhttps://crm.example.com/\n\nhttp://127.0.0.1:8080',
        language: 'hi',
      },
      NOW,
    );
    assert.ok(check.ok, JSON.stringify(check));
    assert.deepEqual(
      { ...check.settings, token: check.settings.token.length > 0 },
      {
        proxyUrl: 'https://proxy.example.com/api/superfone/call',
        issuer: '',
        clientId: '',
        agentNumber: '+919876543210',
        token: true,
        sites: ['https://crm.example.com', 'http://127.0.0.1:8080'],
        defaultCountry: 'IN',
        language: 'hi',
      },
    );
    assert.deepEqual(sitePatterns(check.settings.sites), ['https://crm.example.com/*', 'http://127.0.0.1:8080/*']);
  });

  it('each wrong field is named with what to do; nothing is taken', async () => {
    const check = checkSettings(
      { proxyUrl: 'http://proxy.example.com/call', agentNumber: '12', token: await token(NOW - 1), sites: 'https://crm.example.com/leads', defaultCountry: 'ZZ', language: 'fr' },
      NOW,
    );
    assert.equal(check.ok, false);
    assert.deepEqual(Object.keys(!check.ok ? check.problems : {}).sort(), ['agentNumber', 'defaultCountry', 'language', 'proxyUrl', 'sites', 'token']);
    // Whole messages, written out by hand: a word lost or a list joined wrong is a reader misled.
    assert.deepEqual(!check.ok && check.problems, {
      proxyUrl: 'Use https:// for the call service: your sign-in travels to it.',
      agentNumber: '“12” is not a valid phone number.',
      token: 'This sign-in token has expired; ask for a new one.',
      sites: '“https://crm.example.com/leads” has a path; list the site only, such as https://crm.example.com.',
      defaultCountry: '“ZZ” is not a two-letter country code such as IN.',
      language: 'Choose one of: auto, en, hi.',
    });
    const other = checkSettings({ proxyUrl: '', token: 'abc', sites: 'ftp://files.example.com' }, NOW);
    assert.deepEqual(!other.ok && other.problems, {
      proxyUrl: 'Enter your call service’s address, such as https://proxy.example.com/api/superfone/call.',
      token: 'This is not a sign-in token; paste the whole token you were given (three parts joined by dots).',
      sites: '“ftp://files.example.com” is not a web address such as https://crm.example.com.',
    });
    const none = checkSettings({ proxyUrl: 'proxy.example.com', sites: ' \n ' }, NOW);
    assert.deepEqual(!none.ok && none.problems, {
      proxyUrl: '“proxy.example.com” is not a web address such as https://proxy.example.com/api/superfone/call.',
      sites: 'List at least one site where numbers should call, such as https://crm.example.com.',
    });
  });

  it('a token is three parts that read as JSON; one expiring a second from now is still good; none at all is allowed (a proxy without sign-in)', async () => {
    const base = { proxyUrl: 'https://p.example.com/api/superfone/call', agentNumber: '+919876543210', sites: 'https://crm.example.com' };
    for (const bad of ['abc', 'a.b', 'a.b.c', (await token(NOW + 60)).replace('.', '')]) {
      const check = checkSettings({ ...base, token: bad }, NOW);
      assert.equal(check.ok, false, bad);
      assert.match(!check.ok ? check.problems.token! : '', /not a sign-in token/, bad);
    }
    assert.equal(checkSettings({ ...base, token: await token(NOW + 1) }, NOW).ok, true);
    assert.equal(checkSettings({ ...base, token: await token(NOW) }, NOW).ok, false, 'expiring now is expired');
    assert.equal(checkSettings({ ...base, token: new UnsecuredJWT({}).encode() }, NOW).ok, true, 'no expiry: the proxy decides');
    assert.equal(checkSettings({ ...base, token: '' }, NOW).ok, true);
    assert.equal(checkSettings({ ...base, proxyUrl: 'http://127.0.0.1:8787/api/superfone/call' }, NOW).ok, true, 'plain http on loopback is fine');
    assert.equal(checkSettings({ ...base, sites: ['https://crm.example.com', 'ftp://x.example.com'] }, NOW).ok, false, 'an admin’s list is checked too');
  });

  it('a sign-in provider is an https issuer with its client ID; with one, the agent number may stay empty and no token is pasted', async () => {
    const base = { proxyUrl: 'https://p.example.com/api/superfone/call', sites: 'https://crm.example.com' };
    const good = checkSettings({ ...base, issuer: ' https://login.example.com/realms/sales/ ', clientId: 'superfone-extension' }, NOW);
    assert.ok(good.ok, JSON.stringify(good));
    assert.deepEqual([good.settings.issuer, good.settings.clientId, good.settings.agentNumber], ['https://login.example.com/realms/sales', 'superfone-extension', '']);
    const problems = (input: Record<string, unknown>) => {
      const check = checkSettings({ ...base, ...input }, NOW);
      return check.ok ? {} : check.problems;
    };
    assert.deepEqual(problems({ issuer: 'http://login.example.com', clientId: 'x' }), {
      issuer: '“http://login.example.com” is not an https address such as https://accounts.google.com.',
    });
    assert.deepEqual(problems({ issuer: 'https://login.example.com?x=1', clientId: 'x' }), {
      issuer: '“https://login.example.com?x=1” has a query; enter the provider’s issuer only, such as https://login.example.com/realms/sales.',
    });
    assert.deepEqual(problems({ issuer: 'https://login.example.com' }), { clientId: 'Enter the client ID your administrator registered for this extension.' });
    assert.deepEqual(problems({ clientId: 'x' }), { issuer: 'Enter the sign-in provider this client ID belongs to, such as https://accounts.google.com.' });
    assert.deepEqual(problems({ issuer: 'https://login.example.com', clientId: 'x', token: await token(NOW + 60) }), {
      token: 'Leave the sign-in token empty when you sign in with a provider.',
    });
    assert.deepEqual(problems({ agentNumber: '' }), {}, 'the proxy may bind the agent: Save asks it');
  });
});

describe('Save’s check asks the proxy who the sign-in makes the agent', { timeout: 30_000 }, () => {
  it('a number typed that is not the one the sign-in names is refused with that number; the same number, or none, is taken', async () => {
    const jwtSecret = 'extension-setup-check-secret-0123456789';
    const proxy = await startHttpProxy({ auth: { secret: jwtSecret } });
    try {
      const asha = await new SignJWT({ superfone_agent: '+919876543210' })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience('superfone-proxy')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(jwtSecret));
      const settings = {
        proxyUrl: `${proxy.base}call`,
        issuer: '',
        clientId: '',
        agentNumber: '+919812345678',
        token: asha,
        sites: ['https://crm.example.com'],
        defaultCountry: 'IN' as const,
        language: 'auto',
      };
      assert.deepEqual(await checkSetup(settings, asha), {
        ok: false,
        problems: { agentNumber: 'Your sign-in makes you +919876543210 at the call service: leave this empty, or enter that number.' },
      });
      assert.deepEqual(await checkSetup({ ...settings, agentNumber: '+919876543210' }, asha), { ok: true, agentNumber: '+919876543210' });
      assert.deepEqual(await checkSetup({ ...settings, agentNumber: '' }, asha), { ok: true, agentNumber: '+919876543210' });
      assert.equal(proxy.upstream.simulator.requestCount, 0, 'nothing was called');
    } finally {
      await proxy.close();
    }
  });
});

describe('one list of languages and one default country, for the checks, the options page and an admin’s policy', () => {
  it('managed-schema.json offers exactly the languages the checks take, and each is taken', async () => {
    const { LANGUAGES, DEFAULT_COUNTRY } = await import('../../../src/extension/setting-choices.js');
    const schema = JSON.parse(readFileSync('src/extension/managed-schema.json', 'utf8'));
    assert.deepEqual(schema.properties.language.enum, Object.keys(LANGUAGES));
    assert.deepEqual(Object.keys(LANGUAGES), ['auto', 'en', 'hi']);
    for (const language of Object.keys(LANGUAGES))
      assert.equal(checkSettings({ proxyUrl: 'https://p.example.com/call', sites: 'https://crm.example.com', language }, NOW).ok, true, language);
    // A name every object has is no language.
    assert.equal(checkSettings({ proxyUrl: 'https://p.example.com/call', sites: 'https://crm.example.com', language: 'constructor' }, NOW).ok, false);
    // The default country, where none is typed, is the package's.
    const none = checkSettings({ proxyUrl: 'https://p.example.com/call', sites: 'https://crm.example.com' }, NOW);
    assert.equal(none.ok && none.settings.defaultCountry, 'IN');
    assert.equal(DEFAULT_COUNTRY, 'IN');
    // No copy of either is typed into the options page.
    const html = readFileSync('src/extension/options.html', 'utf8');
    assert.doesNotMatch(html, /<option|value="IN"/);
  });
});
