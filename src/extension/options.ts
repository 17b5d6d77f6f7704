// The options page: the agent fills it once; it says what is wrong, field by field, in words
// they can act on, and tries the proxy before saving. Settings an admin pushed through
// managed storage are shown and cannot be changed here.
import type { WatchSitesAsk } from './extension-messages.js';
import { storedSettings } from './listed-sites.js';
import { checkSettings, type ExtensionSettings, type SettingsInput, type SettingsProblems } from './settings.js';

const FIELDS = ['proxyUrl', 'agentNumber', 'token', 'sites', 'defaultCountry', 'language'] as const;

const form = document.getElementById('settings') as HTMLFormElement;
const status = document.getElementById('status')!;
const field = (name: (typeof FIELDS)[number]) => form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function showProblems(problems: SettingsProblems): void {
  for (const name of FIELDS) {
    const problem = problems[name] ?? '';
    document.getElementById(`${name}-problem`)!.textContent = problem;
    field(name).setAttribute('aria-invalid', String(problem !== ''));
  }
  const first = FIELDS.find((name) => problems[name]);
  if (first) field(first).focus();
}

/**
 * Whether the proxy answers, and takes calls from this extension. A GET is no call: our
 * proxy answers it 405 once the origin is allowed, 403 while it is not; nothing is placed.
 */
async function tryProxy(proxyUrl: string): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(proxyUrl, { method: 'GET', signal: AbortSignal.timeout(8_000) });
  } catch {
    return `The call service at ${new URL(proxyUrl).host} did not answer. Check the address, or ask your administrator whether it is running.`;
  }
  if (response.status === 403) {
    return `The call service does not take calls from this extension yet. Ask your administrator to add ${location.origin} to its allowed origins (SUPERFONE_ALLOWED_ORIGINS).`;
  }
  if (response.status === 404) return 'Nothing answers calls at this address. Check the path (it usually ends in /api/superfone/call).';
  return null;
}

async function load(): Promise<void> {
  const { input, managed } = await storedSettings();
  for (const name of FIELDS) {
    const value = input[name];
    if (value !== undefined) field(name).value = Array.isArray(value) ? value.join('\n') : String(value);
    if (name in managed) field(name).disabled = true;
  }
  document.getElementById('managed')!.hidden = Object.keys(managed).length === 0;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void save();
});

async function save(): Promise<void> {
  status.textContent = '';
  const input = Object.fromEntries(FIELDS.map((name) => [name, field(name).value])) as SettingsInput;
  const check = checkSettings(input);
  if (!check.ok) {
    showProblems(check.problems);
    status.textContent = 'Not saved: correct the fields marked above.';
    return;
  }
  showProblems({});
  status.textContent = 'Checking the call service…';
  const unreachable = await tryProxy(check.settings.proxyUrl);
  if (unreachable) {
    showProblems({ proxyUrl: unreachable });
    status.textContent = 'Not saved: the call service could not be used.';
    return;
  }
  const settings: ExtensionSettings = check.settings;
  await chrome.storage.local.set({ settings });
  // The worker registers the content script for the sites (one place, one at a time): then "Saved" means watched.
  await chrome.runtime.sendMessage({ kind: 'watch-sites' } satisfies WatchSitesAsk);
  status.textContent = `Saved. Numbers on ${settings.sites.join(', ')} now call through Superfone; reload those pages.`;
}

void load();
