// The extension's service worker: the only place the sign-in and the settings are used. It
// registers the content script on the listed sites only, answers the content script in
// frames whose top page is on a listed site, and places and follows calls through the proxy.
import { english, failureWords, hindi } from '../element/view/index.js';
import { formatForDisplay } from '../shared/phone-number.js';
import { placeCall, resumeFollowing } from './agent-calls.js';
import type { CallAnswer, ExtensionAnswers, ExtensionAsk, SignInNews } from './extension-messages.js';
import { watchListedSites } from './listed-sites.js';
import { calledBack, MISSED_CALLS_ALARM, missedCallNumber, showMissedCalls, watchMissedCalls } from './missed-call-notices.js';
import { checkSettings, type ExtensionSettings, sitePatterns } from './settings.js';
import { currentSettings, refreshSettings } from './settings-store.js';
import { checkSetup } from './setup-check.js';
import { idToken, RENEW_ALARM, signIn, SignInEnded, signInState, signOut } from './sign-in.js';

// First: the settings and the sign-in are for the extension's own pages and this worker, never a content script's world.
const trustedOnly = Promise.all([
  chrome.storage.local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' }),
  chrome.storage.session.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' }),
]).catch((error: unknown) => console.error('Superfone: could not close storage to content scripts:', error));

/** Registrations one after another (two at once both find none, and both register); a failure is told in chrome://extensions. */
let registering = Promise.resolve();
const reRegister = () =>
  (registering = registering
    .then(async () => watchListedSites(await currentSettings()))
    .catch((error: unknown) => console.error('Superfone: could not watch the listed sites:', error)));

/** Whether the settings name a provider whose sign-in is not held. */
async function signInMissing(settings: ExtensionSettings): Promise<boolean> {
  if (!settings.issuer) return false;
  const state = await signInState();
  return !state.signedIn || state.issuer !== settings.issuer || state.clientId !== settings.clientId;
}

/** The Bearer token for the settings' proxy: the provider's ID token, or the pasted token, or none. */
function tokenSource(settings: ExtensionSettings): ((options: { renew: boolean }) => Promise<string | null>) | null {
  if (settings.issuer) return ({ renew }) => idToken({ force: renew });
  return settings.token ? async () => settings.token : null;
}

/** The tab a content script speaks from, when its frame and its tab's top page are both on a listed site: a framed CRM calls nothing. */
function listedTab(sender: chrome.runtime.MessageSender, settings: ExtensionSettings): { tabId: number; site: string } | null {
  if (!sender.tab?.id || !sender.tab.url || !sender.url || !URL.canParse(sender.tab.url) || !URL.canParse(sender.url)) return null;
  const site = new URL(sender.tab.url).origin;
  return settings.sites.includes(site) && settings.sites.includes(new URL(sender.url).origin) ? { tabId: sender.tab.id, site } : null;
}

const fromOptionsPage = (sender: chrome.runtime.MessageSender) => sender.url?.startsWith(chrome.runtime.getURL('options.html')) === true;

async function call(ask: Extract<ExtensionAsk, { kind: 'call' }>, settings: ExtensionSettings, from: { tabId: number; site: string }): Promise<CallAnswer> {
  if (await signInMissing(settings)) {
    await chrome.runtime.openOptionsPage();
    return { ok: false, signInNeeded: true };
  }
  const reply = await placeCall(ask, settings, from, tokenSource(settings));
  // A renewal the provider refused ends the sign-in (the call fails as token_unavailable):
  // whatever the failure, with the sign-in gone the answer says so, and the options page opens.
  if (!reply.ok && (await signInMissing(settings))) {
    await chrome.runtime.openOptionsPage();
    return { ok: false, signInNeeded: true };
  }
  return reply;
}

type Kind = ExtensionAsk['kind'];
type AskOf<K extends Kind> = Extract<ExtensionAsk, { kind: K }>;
/** Who sent an ask, once the worker has checked they may: the options page, or a tab on a listed site. */
type FromOptionsPage = Record<string, never>;
type FromListedTab = { settings: ExtensionSettings; from: { tabId: number; site: string } };
type Handlers<Sender> = { [K in Kind]?: (ask: AskOf<K>, sender: Sender) => Promise<ExtensionAnswers[K]> };

/** What this extension's options page may ask. */
const optionsPageAsks = {
  'watch-sites': async () => {
    await refreshSettings();
    return reRegister().then(() => true);
  },
  'sign-in': (ask) => signIn(ask.issuer, ask.clientId),
  'sign-out': () => signOut().then(() => true),
  'sign-in-state': () => signInState(),
  'check-setup': async (ask) => {
    const check = checkSettings(ask.settings);
    if (!check.ok) return { ok: false, problems: check.problems };
    if (await signInMissing(check.settings)) return { ok: false, problems: { issuer: 'Sign in first, with the Sign in button.' } };
    const token = await tokenSource(check.settings)?.({ renew: false }).catch((error: unknown) => {
      if (error instanceof SignInEnded) return null;
      throw error;
    });
    return checkSetup(check.settings, token ?? null);
  },
} satisfies Handlers<FromOptionsPage>;

/** What a content script in a tab on a listed site may ask: never a token, never the agent's number. */
const listedTabAsks = {
  'page-settings': async (_ask, { settings }) => ({ defaultCountry: settings.defaultCountry, language: settings.language, signedIn: !(await signInMissing(settings)) }),
  call: async (ask, { settings, from }) => ((ask.action === 'START' || ask.action === 'END') && typeof ask.customerNumber === 'string' ? call(ask, settings, from) : null),
} satisfies Handlers<FromListedTab>;

/** The handler for `ask` in `table`: one of the table's own kinds only, never a name every object inherits. */
function handlerFor<Sender>(table: Handlers<Sender>, ask: ExtensionAsk): ((ask: ExtensionAsk, sender: Sender) => Promise<ExtensionAnswers[Kind]>) | undefined {
  if (typeof ask?.kind !== 'string' || !Object.hasOwn(table, ask.kind)) return undefined;
  return table[ask.kind] as ((ask: ExtensionAsk, sender: Sender) => Promise<ExtensionAnswers[Kind]>) | undefined;
}

/** Each ask, answered for its sender: content scripts on listed sites, or this extension's options page. */
async function answer(ask: ExtensionAsk, sender: chrome.runtime.MessageSender): Promise<ExtensionAnswers[Kind]> {
  if (sender.id !== chrome.runtime.id || !sender.url) return null;
  if (fromOptionsPage(sender)) return (await handlerFor<FromOptionsPage>(optionsPageAsks, ask)?.(ask, {})) ?? null;
  const handler = handlerFor<FromListedTab>(listedTabAsks, ask);
  if (!handler) return null;
  const settings = await currentSettings();
  const from = settings && listedTab(sender, settings);
  if (!settings || !from) return null;
  return (await handler(ask, { settings, from })) ?? null;
}

/** Tells every tab on a listed site that the sign-in ended or is back: each number says so. */
async function tellSignIn(signedIn: boolean): Promise<void> {
  const settings = await currentSettings();
  if (!settings) return;
  const news: SignInNews = { kind: 'sign-in', signedIn };
  for (const tab of await chrome.tabs.query({ url: sitePatterns(settings.sites) })) await chrome.tabs.sendMessage(tab.id!, news).catch(() => {});
}

chrome.runtime.onMessage.addListener((ask: ExtensionAsk, sender, reply) => {
  void trustedOnly
    .then(() => answer(ask, sender))
    .then(reply, (error: unknown) => {
      console.error('Superfone:', error);
      reply(null);
    });
  // The answer comes later.
  return true;
});

// Every wake-up (a message, an alarm) runs this module again: calls followed before are
// followed again, and the content script is registered again where the browser lost it.
void resumeFollowing();
void trustedOnly.then(reRegister);
// Then managed storage is read (slowly, the first time), and anything an admin changed meanwhile is applied.
void refreshSettings().then((changed) => (changed ? reRegister() : undefined));
chrome.alarms.onAlarm.addListener((alarm) => {
  // Renewed ahead of the next click; a refusal ends the sign-in, and storage's change tells the tabs.
  if (alarm.name === RENEW_ALARM) void idToken({ force: true }).catch(() => {});
  else if (alarm.name === MISSED_CALLS_ALARM) void missedCallsNow();
  else void resumeFollowing();
});

/** The agent's missed calls, shown as notifications; none while signed out (the proxy would refuse). */
async function missedCallsNow(): Promise<void> {
  const settings = await currentSettings();
  if (settings && !(await signInMissing(settings)))
    await showMissedCalls(settings, tokenSource(settings)).catch((error: unknown) => console.error('Superfone: missed calls:', error));
}

// A missed call's Call back: the call is placed as the signed-in agent, under the same one-call rule as a click in a CRM.
chrome.notifications.onButtonClicked.addListener((notificationId) => {
  void (async () => {
    const [settings, customerNumber] = await Promise.all([currentSettings(), missedCallNumber(notificationId)]);
    if (!settings || !customerNumber) return;
    const words = settings.language === 'hi' ? hindi : english;
    const reply = await call({ kind: 'call', action: 'START', customerNumber }, settings, { tabId: -1, site: 'notification' });
    const why = reply.ok
      ? null
      : 'busyWith' in reply
        ? words.busyWith(formatForDisplay(reply.busyWith))
        : 'busyElsewhere' in reply
          ? words.onAnotherCall
          : 'signInNeeded' in reply
            ? words.signInAgain
            : failureWords(reply, words, settings.language === 'hi' ? 'hi' : 'en');
    await calledBack(notificationId, why);
  })();
});
void watchMissedCalls();
chrome.runtime.onInstalled.addListener(reRegister);
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed') void refreshSettings().then(reRegister);
  if (area === 'local' && 'signIn' in changes) {
    const [was, is] = [changes.signIn!.oldValue !== undefined, changes.signIn!.newValue !== undefined];
    if (was !== is) void tellSignIn(is);
  }
});
