// The agent's sign-in with the company's own login (OpenID Connect), in the service worker:
// the authorization code flow with PKCE through chrome.identity.launchWebAuthFlow, the ID
// token as the proxy's Bearer token, renewed with the refresh token before it expires. The
// protocol is oauth4webapi's; this file only keeps the result. Tokens live in storage.local,
// which only the extension's trusted contexts may read (set by the worker at every start).
import * as oauth from 'oauth4webapi';

/** What the worker keeps of a sign-in. */
interface SignedIn {
  issuer: string;
  clientId: string;
  email: string;
  idToken: string;
  /** When the ID token was issued and expires, ms since 1970. */
  issuedAt: number;
  expiresAt: number;
  refreshToken: string | null;
}

/** What the options page and the content scripts may know of it: never a token. */
export type SignInState = { signedIn: true; email: string; issuer: string; clientId: string } | { signedIn: false; problem: string };

/** A sign-in that cannot go on (refused, revoked, expired): the agent must sign in again. */
export class SignInEnded extends Error {}

const SIGN_IN = 'signIn';
const ENDED = 'signInEnded';
export const RENEW_ALARM = 'renew-sign-in';
const SCOPES = 'openid email offline_access';
const PROVIDER_TIMEOUT_MS = 10_000;

const stored = async (): Promise<SignedIn | null> => ((await chrome.storage.local.get(SIGN_IN))[SIGN_IN] as SignedIn | undefined) ?? null;

/** The provider's endpoints, from its discovery document, once per issuer and run of the worker. */
const servers = new Map<string, Promise<oauth.AuthorizationServer>>();
function providerAt(issuer: string): Promise<oauth.AuthorizationServer> {
  let server = servers.get(issuer);
  if (!server) {
    const url = new URL(issuer);
    server = oauth.discoveryRequest(url, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) }).then((response) => oauth.processDiscoveryResponse(url, response));
    server.catch(() => servers.delete(issuer));
    servers.set(issuer, server);
  }
  return server;
}

/** Renewed this long before it expires: a third of its life, at most a minute. */
const renewMargin = (signIn: SignedIn) => Math.min(60_000, (signIn.expiresAt - signIn.issuedAt) / 3);

async function keep(issuer: string, clientId: string, tokens: oauth.TokenEndpointResponse, before: SignedIn | null): Promise<SignedIn> {
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!tokens.id_token || !claims) throw new SignInEnded('the provider sent no ID token');
  const email = typeof claims.email === 'string' ? claims.email : before?.email;
  if (!email) throw new SignInEnded('the provider did not say your email: the extension asks for the email scope; ask your administrator to allow it');
  const signIn: SignedIn = {
    issuer,
    clientId,
    email,
    idToken: tokens.id_token,
    issuedAt: claims.iat * 1000,
    expiresAt: claims.exp * 1000,
    // A provider that does not rotate refresh tokens sends none with a renewal: the one held stays good.
    refreshToken: tokens.refresh_token ?? before?.refreshToken ?? null,
  };
  await chrome.storage.local.set({ [SIGN_IN]: signIn });
  await chrome.storage.local.remove(ENDED);
  // Woken to renew before it expires, so that a click rarely waits on the provider.
  await chrome.alarms.create(RENEW_ALARM, { when: Math.max(Date.now() + 1_000, signIn.expiresAt - renewMargin(signIn)) });
  return signIn;
}

/** The provider's words for a refusal, where it gave any. */
function providerSays(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.AuthorizationResponseError) {
    return error.error_description ? `${error.error}: ${error.error_description}` : error.error;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens the provider's login page; resolves once the agent has signed in there and the code
 * is exchanged for tokens. Asks for consent (`prompt=consent`): providers hand out a refresh
 * token, and so a sign-in that lasts, only with it.
 */
export async function signIn(issuer: string, clientId: string): Promise<SignInState> {
  let as: oauth.AuthorizationServer;
  try {
    as = await providerAt(issuer);
  } catch (error) {
    return { signedIn: false, problem: `The sign-in provider at ${issuer} did not answer as an OpenID provider (${providerSays(error)}). Check the address.` };
  }
  const client: oauth.Client = { client_id: clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const redirectUri = chrome.identity.getRedirectURL();
  const login = new URL(as.authorization_endpoint!);
  login.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: SCOPES,
    prompt: 'consent',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  let redirected: string | undefined;
  try {
    redirected = await chrome.identity.launchWebAuthFlow({ url: login.href, interactive: true });
  } catch (error) {
    return { signedIn: false, problem: `Not signed in: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!redirected) return { signedIn: false, problem: 'Not signed in: the sign-in window closed first.' };
  try {
    const params = oauth.validateAuthResponse(as, client, new URL(redirected), state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
    const kept = await keep(issuer, clientId, tokens, null);
    return { signedIn: true, email: kept.email, issuer, clientId };
  } catch (error) {
    return { signedIn: false, problem: `The sign-in provider refused the sign-in (${providerSays(error)}).` };
  }
}

/** Forgets the sign-in (and asks the provider to end the refresh token, where it can). */
export async function signOut(): Promise<void> {
  const signIn = await stored();
  await chrome.storage.local.remove([SIGN_IN, ENDED]);
  await chrome.alarms.clear(RENEW_ALARM);
  if (signIn?.refreshToken) {
    const as = await providerAt(signIn.issuer).catch(() => null);
    if (as?.revocation_endpoint)
      await oauth.revocationRequest(as, { client_id: signIn.clientId }, oauth.None(), signIn.refreshToken, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) }).catch(() => {});
  }
}

export async function signInState(): Promise<SignInState> {
  const signIn = await stored();
  if (signIn) return { signedIn: true, email: signIn.email, issuer: signIn.issuer, clientId: signIn.clientId };
  const { [ENDED]: problem } = await chrome.storage.local.get(ENDED);
  return { signedIn: false, problem: typeof problem === 'string' ? problem : 'Not signed in.' };
}

async function end(why: string): Promise<never> {
  const problem = `Your sign-in has ended (${why}). Sign in again.`;
  await chrome.storage.local.set({ [ENDED]: problem });
  await chrome.storage.local.remove(SIGN_IN);
  await chrome.alarms.clear(RENEW_ALARM);
  throw new SignInEnded(problem);
}

/** One renewal at a time: a rotated refresh token used twice looks stolen, and providers then end the sign-in. */
let renewing: Promise<SignedIn> | null = null;

async function renew(signIn: SignedIn): Promise<SignedIn> {
  if (!signIn.refreshToken) return end('the provider gave no refresh token');
  const as = await providerAt(signIn.issuer);
  const client: oauth.Client = { client_id: signIn.clientId };
  try {
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), signIn.refreshToken, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
    return await keep(signIn.issuer, signIn.clientId, await oauth.processRefreshTokenResponse(as, client, response), signIn);
  } catch (error) {
    // The provider's refusal ends the sign-in; a network failure does not (the next try may pass).
    if (error instanceof oauth.ResponseBodyError || error instanceof SignInEnded) return end(providerSays(error));
    throw error;
  }
}

/**
 * The ID token to send as the Bearer token: the one held while it has a while left, else a
 * renewed one; `force` renews anyway (the proxy refused the one held). `null` when the agent
 * is not signed in; rejects with `SignInEnded` when renewal was refused.
 */
export async function idToken({ force = false } = {}): Promise<string | null> {
  const signIn = await stored();
  if (!signIn) return null;
  if (!force && signIn.expiresAt - Date.now() > renewMargin(signIn)) return signIn.idToken;
  renewing ??= renew(signIn).finally(() => (renewing = null));
  return (await renewing).idToken;
}
