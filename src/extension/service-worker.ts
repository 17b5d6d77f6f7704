// The extension's service worker: the only place the sign-in token is used. It registers the
// content script on the listed sites only, and places calls for it through the proxy.
import { sendCallRequest } from '../element/call-client.js';
import { followCall } from '../element/call-follower.js';
import type { CallAnswer, CallAsk, CallEndedNews, ExtensionAsk, PageSettings } from './extension-messages.js';
import { currentSettings, watchListedSites } from './listed-sites.js';
import type { ExtensionSettings } from './settings.js';

/** Calls the proxy does not answer within this are given up (it answers within its own timeout, 10 s by default). */
const CALL_TIMEOUT_MS = 15_000;

/** Registrations one after another (two at once both find none, and both register); a failure is told in chrome://extensions. */
let registering = Promise.resolve();
const reRegister = () =>
  (registering = registering.then(watchListedSites).catch((error: unknown) => console.error('Superfone: could not watch the listed sites:', error)));

/** The agent's call, across tabs; session storage outlives the worker's restarts, not the browser's. */
async function activeCall(): Promise<string | null> {
  const { activeCall: customerNumber } = await chrome.storage.session.get('activeCall');
  return typeof customerNumber === 'string' ? customerNumber : null;
}

/** A call the worker follows, kept in session storage: a stopped worker picks it up again when it wakes. */
interface FollowedCall {
  callId: string;
  customerNumber: string;
  proxyUrl: string;
  tabId: number;
}

const FOLLOW_ALARM = 'follow-calls';

/** The calls followed by this run of the worker (a stopped worker starts with none). */
const following = new Map<string, () => void>();

/**
 * Superfone's record of a call, once it ends, for the tab that placed it: the worker follows
 * the call (a streamed fetch: a worker has no EventSource) and frees the agent for the next.
 */
function followToTheEnd(call: FollowedCall): void {
  if (following.has(call.callId)) return;
  following.set(
    call.callId,
    followCall(call.proxyUrl, call.callId, (record) => {
      following.delete(call.callId);
      void (async () => {
        const { followed = [] } = await chrome.storage.session.get('followed');
        const left = (followed as FollowedCall[]).filter((kept) => kept.callId !== call.callId);
        await chrome.storage.session.set({ followed: left });
        if (left.length === 0) await chrome.alarms.clear(FOLLOW_ALARM);
        if ((await activeCall()) === call.customerNumber) await chrome.storage.session.remove('activeCall');
        const news: CallEndedNews = { kind: 'call-ended', customerNumber: call.customerNumber, record };
        await chrome.tabs.sendMessage(call.tabId, news).catch(() => {});
      })();
    }),
  );
}

async function startFollowing(call: FollowedCall): Promise<void> {
  const { followed = [] } = await chrome.storage.session.get('followed');
  await chrome.storage.session.set({ followed: [...(followed as FollowedCall[]), call] });
  // While a call is followed, an alarm wakes a stopped worker at least every 30 seconds.
  await chrome.alarms.create(FOLLOW_ALARM, { periodInMinutes: 0.5 });
  followToTheEnd(call);
}

/** Chrome stops a worker idle for 30 seconds, and with it the streams it held: on waking, it follows its calls again. */
async function resumeFollowing(): Promise<void> {
  const { followed = [] } = await chrome.storage.session.get('followed');
  for (const call of followed as FollowedCall[]) followToTheEnd(call);
}

async function placeCall(ask: CallAsk, settings: ExtensionSettings, tabId: number): Promise<CallAnswer> {
  const busyWith = await activeCall();
  if (ask.action === 'START' && busyWith && busyWith !== ask.customerNumber) return { ok: false, busyWith };
  const body = { customer_number: ask.customerNumber, user_number: settings.agentNumber, call_action: ask.action };
  const reply = await sendCallRequest(settings.proxyUrl, body, AbortSignal.timeout(CALL_TIMEOUT_MS), settings.token ? () => settings.token : null).catch(
    (): CallAnswer => ({ ok: false, code: 'network_error', status: 0 }),
  );
  if (reply.ok && ask.action === 'START') {
    await chrome.storage.session.set({ activeCall: ask.customerNumber });
    if (reply.callId) await startFollowing({ callId: reply.callId, customerNumber: ask.customerNumber, proxyUrl: settings.proxyUrl, tabId });
  }
  if (reply.ok && ask.action === 'END') await chrome.storage.session.remove('activeCall');
  return reply;
}

/** Only this extension's own options page, and its content script in a tab on a listed site, are answered. */
async function answer(ask: ExtensionAsk, sender: chrome.runtime.MessageSender): Promise<CallAnswer | PageSettings | boolean | null> {
  if (sender.id !== chrome.runtime.id || !sender.url) return null;
  if (ask.kind === 'watch-sites') return sender.url.startsWith(chrome.runtime.getURL('options.html')) ? reRegister().then(() => true) : null;
  if (!sender.tab) return null;
  const settings = await currentSettings();
  if (!settings || !settings.sites.includes(new URL(sender.url).origin)) return null;
  if (ask.kind === 'page-settings') return { defaultCountry: settings.defaultCountry, language: settings.language };
  if (ask.kind === 'call' && (ask.action === 'START' || ask.action === 'END') && typeof ask.customerNumber === 'string') return placeCall(ask, settings, sender.tab.id!);
  return null;
}

chrome.runtime.onMessage.addListener((ask: ExtensionAsk, sender, reply) => {
  void answer(ask, sender).then(reply);
  // The answer comes later.
  return true;
});
// Every wake-up (a message, an alarm) runs this module again: calls followed before are followed again.
void resumeFollowing();
chrome.alarms.onAlarm.addListener(() => void resumeFollowing());
chrome.runtime.onInstalled.addListener(reRegister);
chrome.runtime.onStartup.addListener(reRegister);
// The agent's own settings are registered when the options page says it saved them.
chrome.storage.onChanged.addListener((_changes, area) => {
  if (area === 'local' || area === 'managed') void currentSettings({ fresh: true });
  if (area === 'managed') void reRegister();
});
