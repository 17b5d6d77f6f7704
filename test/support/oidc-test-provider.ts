// A real OpenID provider on loopback over https: oidc-provider, the certified Node
// implementation, with a login page and a consent page a person fills by their labels.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export interface TestAccount {
  email: string;
  password: string;
  emailVerified?: boolean;
}

export interface OidcTestProvider {
  issuer: string;
  provider: Provider;
  /** Refresh-token grants the provider answered, refused ones too. */
  refreshes: { ok: number; refused: number };
  /** Ends every grant given so far: their refresh tokens are refused from now on. */
  revokeAll(): Promise<void>;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

/**
 * `idTokenTtlSec`: how long each ID token lives; the client is public (PKCE, no secret), with
 * refresh tokens, and its token requests are taken from `webOrigin` only (what an admin
 * registers as the client's web origin, as Keycloak and Okta ask).
 */
export async function startOidcTestProvider(options: {
  tls: { key: string; cert: string };
  clientId: string;
  redirectUri: string;
  webOrigin: string;
  accounts: TestAccount[];
  idTokenTtlSec: number;
  /** Its discovery document is answered 503 this many times first, as a provider that is down for a while. */
  discoveryDownFor?: number;
}): Promise<OidcTestProvider> {
  const signing = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(signing.privateKey)), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer(options.tls, (req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const byId = new Map(options.accounts.map((account) => [account.email, account]));
  const grants: string[] = [];
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        redirect_uris: [options.redirectUri],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    findAccount: (_ctx: unknown, id: string) => {
      const account = byId.get(id);
      return account && { accountId: id, claims: () => ({ sub: id, email: account.email, email_verified: account.emailVerified ?? true }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'email', 'offline_access'],
    // As Google's and Keycloak's do: the ID token from the code carries the email.
    conformIdTokenClaims: false,
    ttl: { IdToken: options.idTokenTtlSec, AccessToken: options.idTokenTtlSec, AuthorizationCode: 60, RefreshToken: 3_600, Session: 3_600, Grant: 3_600, Interaction: 600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    cookies: { keys: ['oidc-test-provider-cookie-key'] },
    clientBasedCORS: (_ctx: unknown, origin: string) => origin === options.webOrigin,
  });
  const refreshes = { ok: 0, refused: 0 };
  provider.on('grant.success', (ctx: { oidc: { params: { grant_type?: string } } }) => {
    if (ctx.oidc.params.grant_type === 'refresh_token') refreshes.ok += 1;
  });
  provider.on('grant.error', (ctx: { oidc: { params?: { grant_type?: string } } }) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') refreshes.refused += 1;
  });
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const [, , uid, step] = new URL(req.url!, issuer).pathname.split('/');
    const html = (body: string): void => void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(body);
    if (req.method === 'GET' && details.prompt.name === 'login') {
      return html(
        page(
          'Sign in to Example Corp',
          `<form method="post" action="/interaction/${uid}/login"><p><label for="email">Email</label> <input id="email" name="email" type="email"></p><p><label for="password">Password</label> <input id="password" name="password" type="password"></p><button>Sign in</button></form>`,
        ),
      );
    }
    if (req.method === 'GET') {
      return html(
        page(
          'Allow access',
          `<p>Superfone click-to-call asks to know your email and to keep you signed in.</p><form method="post" action="/interaction/${uid}/consent"><button>Allow</button></form>`,
        ),
      );
    }
    if (step === 'login') {
      const form = await formOf(req);
      const account = byId.get(form.get('email') ?? '');
      if (!account || account.password !== form.get('password')) return html(page('Sign in to Example Corp', '<p role="alert">Wrong email or password.</p>'));
      return provider.interactionFinished(req, res, { login: { accountId: account.email } }, { mergeWithLastSubmission: false });
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: options.clientId });
    grant.addOIDCScope('openid email offline_access');
    const grantId = await grant.save();
    grants.push(grantId);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  let downFor = options.discoveryDownFor ?? 0;
  handler = (req, res) => {
    if (req.url === '/.well-known/openid-configuration' && downFor > 0) {
      downFor -= 1;
      res.writeHead(503).end();
      return;
    }
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: Error) => res.writeHead(500).end(error.message));
      return;
    }
    callback(req, res);
  };
  return {
    issuer,
    provider,
    refreshes,
    async revokeAll() {
      for (const grantId of grants.splice(0)) await (await provider.Grant.find(grantId))?.destroy();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
