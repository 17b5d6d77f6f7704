// What the agent (or an admin, through managed storage) sets once: where the proxy is, the
// company's sign-in (or a pasted token), who the agent is where the sign-in does not say, and
// the CRM sites where numbers become controls. Read only on the extension's side, in its
// trusted contexts: neither the page nor a content script sees any of it.
import { type CountryCode, isKnownCountry, normalizePhoneNumber } from '../shared/phone-number.js';
import { DEFAULT_COUNTRY, LANGUAGES } from './setting-choices.js';

export interface ExtensionSettings {
  /** The proxy's call path, `https://proxy.example.com/api/superfone/call`. */
  proxyUrl: string;
  /** The company's OpenID provider (its issuer URL, https); empty where a token is pasted instead, or none is used. */
  issuer: string;
  /** The extension's client ID at that provider. */
  clientId: string;
  /** The agent's Superfone number, E.164; empty where the sign-in names the agent at the proxy. */
  agentNumber: string;
  /** A pasted sign-in token (a JWT), for proxies that use a shared secret; empty with a provider, or where the proxy binds no identity. */
  token: string;
  /** Origins where numbers become controls, `https://crm.example.com`. */
  sites: string[];
  /** Region for numbers written without a country code. */
  defaultCountry: CountryCode;
  /** The controls' language: `auto` follows the page, else `en` or `hi`. */
  language: string;
}

/** The settings as typed into the options page (or pushed by policy), before they are checked. */
export type SettingsInput = { [Field in keyof ExtensionSettings]?: unknown };

export type SettingsProblems = Partial<Record<keyof ExtensionSettings, string>>;

export type SettingsCheck = { ok: true; settings: ExtensionSettings } | { ok: false; problems: SettingsProblems };

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** A site as an origin, or why it is none. */
function siteOrigin(line: string): string | { problem: string } {
  const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(line) ? line : `https://${line}`;
  if (!URL.canParse(withScheme)) return { problem: `“${line}” is not a web address such as https://crm.example.com.` };
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: `“${line}” is not a web address such as https://crm.example.com.` };
  if (url.pathname !== '/' || url.search || url.hash) return { problem: `“${line}” has a path; list the site only, such as ${url.origin}.` };
  return url.origin;
}

/** The seconds since 1970 at which a JWT expires, if it says; `null` when it is no JWT at all. */
function tokenExpiry(token: string): number | undefined | null {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return null;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof claims !== 'object' || claims === null) return null;
    const exp = (claims as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return null;
  }
}

/**
 * Checks settings as a person typed them, field by field, in words they can act on. What
 * cannot be known here (whether the proxy answers, whether it accepts the token) is the
 * options page's to try.
 */
export function checkSettings(input: SettingsInput, nowSec = Date.now() / 1000): SettingsCheck {
  const problems: SettingsProblems = {};
  const defaultCountry = (text(input.defaultCountry) || DEFAULT_COUNTRY).toUpperCase();
  if (!isKnownCountry(defaultCountry)) problems.defaultCountry = `“${defaultCountry}” is not a two-letter country code such as IN.`;
  const country = isKnownCountry(defaultCountry) ? defaultCountry : DEFAULT_COUNTRY;

  const proxyUrl = text(input.proxyUrl);
  if (!proxyUrl) problems.proxyUrl = 'Enter your call service’s address, such as https://proxy.example.com/api/superfone/call.';
  else if (!URL.canParse(proxyUrl) || !/^https?:$/.test(new URL(proxyUrl).protocol))
    problems.proxyUrl = `“${proxyUrl}” is not a web address such as https://proxy.example.com/api/superfone/call.`;
  else if (new URL(proxyUrl).protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(new URL(proxyUrl).hostname)) {
    problems.proxyUrl = 'Use https:// for the call service: your sign-in travels to it.';
  }

  const issuer = text(input.issuer).replace(/\/$/, '');
  const clientId = text(input.clientId);
  if (issuer) {
    if (!URL.canParse(issuer) || new URL(issuer).protocol !== 'https:') problems.issuer = `“${issuer}” is not an https address such as https://accounts.google.com.`;
    else if (new URL(issuer).search || new URL(issuer).hash)
      problems.issuer = `“${issuer}” has a query; enter the provider’s issuer only, such as https://login.example.com/realms/sales.`;
    if (!clientId) problems.clientId = 'Enter the client ID your administrator registered for this extension.';
  } else if (clientId) problems.issuer = 'Enter the sign-in provider this client ID belongs to, such as https://accounts.google.com.';

  // With a provider the proxy learns the agent from the sign-in: the number may stay empty.
  const agent = text(input.agentNumber) ? normalizePhoneNumber(text(input.agentNumber), country) : null;
  if (agent && !agent.ok) problems.agentNumber = `“${text(input.agentNumber)}” is not a valid phone number.`;

  const token = text(input.token);
  if (token && issuer) problems.token = 'Leave the sign-in token empty when you sign in with a provider.';
  else if (token) {
    const expiry = tokenExpiry(token);
    if (expiry === null) problems.token = 'This is not a sign-in token; paste the whole token you were given (three parts joined by dots).';
    else if (expiry !== undefined && expiry <= nowSec) problems.token = 'This sign-in token has expired; ask for a new one.';
  }

  const lines = (Array.isArray(input.sites) ? input.sites.map(String) : text(input.sites).split('\n')).map((line) => line.trim()).filter(Boolean);
  const sites: string[] = [];
  for (const line of lines) {
    const origin = siteOrigin(line);
    if (typeof origin === 'string') {
      if (!sites.includes(origin)) sites.push(origin);
    } else problems.sites ??= origin.problem;
  }
  if (lines.length === 0) problems.sites = 'List at least one site where numbers should call, such as https://crm.example.com.';

  const language = text(input.language) || 'auto';
  if (!Object.hasOwn(LANGUAGES, language)) problems.language = `Choose one of: ${Object.keys(LANGUAGES).join(', ')}.`;

  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, settings: { proxyUrl, issuer, clientId, agentNumber: agent?.ok ? agent.e164 : '', token, sites, defaultCountry: country, language } };
}

/** Chrome's match pattern for each site: its pages, in every frame. */
export function sitePatterns(sites: readonly string[]): string[] {
  return sites.map((origin) => `${origin}/*`);
}
