// Run as its own process by test/node/extension/extension-sign-in-says-why-it-failed.test.ts, with
// NODE_EXTRA_CA_CERTS trusting the test provider's certificate (Node reads it only at start).
// Signs in with the extension's own sign-in module, the provider's window played by each
// scenario below, and prints what each sign-in answered and whether anything was kept.
import { fakeChrome } from './fake-chrome.js';

const issuer = process.env.ISSUER!;
const clientId = process.env.CLIENT_ID!;
const unreachable = process.env.UNREACHABLE_ISSUER!;
const fake = fakeChrome({});
(globalThis as { chrome?: unknown }).chrome = fake.chrome;
const { signIn } = await import('../../src/extension/sign-in.js');

type Window = (details: { url: string }) => Promise<string | undefined>;
/** The redirect a provider's window ends at, with the state the login page was opened with, or another. */
const redirectWith =
  (code: string, state?: string): Window =>
  async ({ url }) => {
    const asked = new URL(url).searchParams;
    const back = new URL(asked.get('redirect_uri')!);
    back.search = new URLSearchParams({ code, state: state ?? asked.get('state')!, iss: issuer }).toString();
    return back.href;
  };
const scenarios: [string, string, Window][] = [
  // The provider is down at the first sign-in (its discovery answered 503) and back for the rest.
  ['provider-down', issuer, async () => undefined],
  ['closed', issuer, async () => undefined],
  ['declined', issuer, async () => Promise.reject(new Error('The user did not approve access.'))],
  ['bogus-code', issuer, redirectWith('not-a-code-the-provider-gave')],
  ['other-state', issuer, redirectWith('not-a-code-the-provider-gave', 'a-state-nobody-sent')],
  ['unreachable', unreachable, async () => undefined],
];
const results: Record<string, unknown> = {};
for (const [name, at, window] of scenarios) {
  fake.chrome.identity.launchWebAuthFlow = window as never;
  results[name] = { state: await signIn(at, clientId), kept: [...fake.chrome.storage.local.items.keys()] };
}
process.stdout.write(JSON.stringify(results));
