// Save's check, run by the worker the way its calls go (the extension's Origin, the agent's
// token): `POST …/whoami` passes exactly where a START would pass the proxy's origin and
// identity checks, and places nothing. Anything else is "Not saved", with the one thing to fix.
import { isErrorBody, type WhoamiBody, whoamiPath } from '../shared/protocol.js';
import type { ExtensionSettings, SettingsProblems } from './settings.js';

export type SetupCheck = { ok: true; agentNumber: string } | { ok: false; problems: SettingsProblems };

const WHOAMI_TIMEOUT_MS = 10_000;

const isWhoamiBody = (value: unknown): value is WhoamiBody =>
  typeof value === 'object' && value !== null && 'agentNumber' in value && (value.agentNumber === null || typeof value.agentNumber === 'string');

/** Asks the proxy who `token` would call as from this extension; `signedIn` says where the token came from, for the words. */
export async function checkSetup(settings: ExtensionSettings, token: string | null): Promise<SetupCheck> {
  const host = new URL(settings.proxyUrl).host;
  const identity = settings.issuer ? 'issuer' : 'token';
  const problem = (field: keyof SettingsProblems, words: string): SetupCheck => ({ ok: false, problems: { [field]: words } });
  let response: Response;
  try {
    response = await fetch(whoamiPath(settings.proxyUrl), {
      method: 'POST',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(WHOAMI_TIMEOUT_MS),
    });
  } catch {
    return problem('proxyUrl', `The call service at ${host} did not answer. Check the address, or ask your administrator whether it is running.`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && isWhoamiBody(body)) {
    if (!body.agentNumber && !settings.agentNumber) return problem('agentNumber', 'The call service does not know who you are: enter your Superfone number.');
    if (body.agentNumber && settings.agentNumber && body.agentNumber !== settings.agentNumber) {
      return problem('agentNumber', `Your sign-in makes you ${body.agentNumber} at the call service: leave this empty, or enter that number.`);
    }
    return { ok: true, agentNumber: body.agentNumber ?? settings.agentNumber };
  }
  if (!isErrorBody(body)) {
    if (response.status === 404) return problem('proxyUrl', 'Nothing answers calls at this address. Check the path (it usually ends in /api/superfone/call).');
    return problem('proxyUrl', `Something other than the call service answered at ${host} (HTTP ${response.status}). Check the address.`);
  }
  const { code, message, detail } = body.error;
  if (code === 'forbidden' && detail?.refused === 'origin') {
    const origin = chrome.runtime.getURL('').replace(/\/$/, '');
    return problem(
      'proxyUrl',
      `The call service does not take calls from this extension yet. Ask your administrator to add it to the allowed origins: SUPERFONE_ALLOWED_ORIGINS=${origin} (beside any origins listed there).`,
    );
  }
  if (code === 'forbidden' && detail?.refused === 'not_an_agent') return problem(identity, `${message} (SUPERFONE_AGENTS_FILE: a line email,agent_number)`);
  if (code === 'forbidden' && detail?.refused === 'email_unverified') return problem(identity, message);
  if (code === 'unauthorized' || code === 'token_expired') {
    if (!token) return problem(identity, 'The call service asks who you are: sign in, or paste the sign-in token your administrator gave you.');
    return problem(identity, `The call service refused your sign-in: ${message}`);
  }
  if (code === 'auth_unavailable') return problem(identity, `${message} (the call service could not reach your sign-in provider's keys).`);
  if (response.status === 404) return problem('proxyUrl', `Nothing answers calls at this address: ${message}`);
  return problem('proxyUrl', `The call service refused the check (HTTP ${response.status}): ${message}`);
}
