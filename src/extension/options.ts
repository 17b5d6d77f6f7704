// The options page: the agent fills it once; it says what is wrong, field by field, in words
// they can act on. Sign in opens the company's login; Save asks the call service, the way
// the extension's calls will, whether calls would pass, and saves only then. Settings an
// admin pushed through managed storage are shown and cannot be changed here.
import { askWorker } from './extension-messages.js';
import { DEFAULT_COUNTRY, LANGUAGES } from './setting-choices.js';
import type { SettingsInput, SettingsProblems } from './settings.js';
import { storedSettings } from './settings-store.js';
import type { SignInState } from './sign-in.js';

const FIELDS = ['proxyUrl', 'issuer', 'clientId', 'agentNumber', 'token', 'sites', 'defaultCountry', 'language'] as const;

const form = document.getElementById('settings') as HTMLFormElement;
const status = document.getElementById('status')!;
const signInStatus = document.getElementById('sign-in-state')!;
const signInButton = document.getElementById('sign-in') as HTMLButtonElement;
const signOutButton = document.getElementById('sign-out') as HTMLButtonElement;
const field = (name: (typeof FIELDS)[number]) => form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
const typed = () => Object.fromEntries(FIELDS.map((name) => [name, field(name).value])) as SettingsInput;

// The choices and the default come from the code, as the checks do.
field('language').append(...Object.entries(LANGUAGES).map(([value, name]) => new Option(name, value)));
field('defaultCountry').value = DEFAULT_COUNTRY;

function showProblems(problems: SettingsProblems): void {
  for (const name of FIELDS) {
    const problem = problems[name] ?? '';
    document.getElementById(`${name}-problem`)!.textContent = problem;
    field(name).setAttribute('aria-invalid', String(problem !== ''));
  }
  const first = FIELDS.find((name) => problems[name]);
  if (first) field(first).focus();
}

function showSignIn(state: SignInState | null): void {
  signInStatus.textContent = !state ? '' : state.signedIn ? `Signed in as ${state.email}` : state.problem;
  signOutButton.hidden = !state?.signedIn;
}

/** Set once the agent clicks Sign in: what load() read before is stale by then. */
let signInStarted = false;

async function load(): Promise<void> {
  document.getElementById('redirect-uri')!.textContent = chrome.identity.getRedirectURL();
  // Nothing typed before the stored settings arrive can be overwritten by them: the fields wait.
  for (const name of FIELDS) field(name).disabled = true;
  const signedIn = askWorker({ kind: 'sign-in-state' });
  void signedIn.then((state) => signInStarted || showSignIn(state));
  // Managed storage can take seconds to read the first time.
  const { input, managed } = await storedSettings();
  // Signed in but not yet saved: the provider signed in with stays filled in.
  const state = await signedIn;
  if (state?.signedIn) {
    input.issuer ??= state.issuer;
    input.clientId ??= state.clientId;
  }
  for (const name of FIELDS) {
    const value = input[name];
    if (value !== undefined) field(name).value = Array.isArray(value) ? value.join('\n') : String(value);
    field(name).disabled = name in managed;
  }
  document.getElementById('managed')!.hidden = Object.keys(managed).length === 0;
}

async function signIn(): Promise<void> {
  const issuer = field('issuer').value.trim();
  const clientId = field('clientId').value.trim();
  const problems: SettingsProblems = {};
  if (!issuer) problems.issuer = 'Enter your company’s sign-in provider, such as https://accounts.google.com.';
  if (!clientId) problems.clientId = 'Enter the client ID your administrator registered for this extension.';
  showProblems(problems);
  if (Object.keys(problems).length > 0) return;
  signInStarted = true;
  signInStatus.textContent = 'Signing in… finish in the window that opened.';
  showSignIn(await askWorker({ kind: 'sign-in', issuer: issuer.replace(/\/$/, ''), clientId }));
}

async function save(): Promise<void> {
  status.textContent = 'Checking with the call service…';
  const input = typed();
  const check = await askWorker({ kind: 'check-setup', settings: input });
  if (!check?.ok) {
    showProblems(check?.problems ?? {});
    status.textContent = 'Not saved: correct what is marked above.';
    return;
  }
  showProblems({});
  await chrome.storage.local.set({ settings: input });
  // The worker registers the content script for the sites and runs it in their open tabs: then "Saved" means watched.
  await askWorker({ kind: 'watch-sites' });
  const sites =
    typeof input.sites === 'string'
      ? input.sites
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
      : [];
  status.textContent = `Saved. Numbers on ${sites.join(', ')} now call through Superfone, from ${check.agentNumber}.`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void save();
});
signInButton.addEventListener('click', () => void signIn());
signOutButton.addEventListener(
  'click',
  () =>
    void askWorker({ kind: 'sign-out' })
      .then(() => askWorker({ kind: 'sign-in-state' }))
      .then(showSignIn),
);
// A sign-in renewed or ended by the worker shows here at once.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && ('signIn' in changes || 'signInEnded' in changes)) void askWorker({ kind: 'sign-in-state' }).then(showSignIn);
});

void load();
