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

/**
 * Superfone's record of a call, once it ends, for the tab that placed it: the worker follows
 * the call (a streamed fetch: a worker has no EventSource) and frees the agent for the next.
 */
function followToTheEnd(callId: string, customerNumber: string, settings: ExtensionSettings, tabId: number): void {
  followCall(settings.proxyUrl, callId, (record) => {
    void (async () => {
      if ((await activeCall()) === customerNumber) await chrome.storage.session.remove('activeCall');
      const news: CallEndedNews = { kind: 'call-ended', customerNumber, record };
      await chrome.tabs.sendMessage(tabId, news).catch(() => {});
    })();
  });
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
    if (reply.callId) followToTheEnd(reply.callId, ask.customerNumber, settings, tabId);
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
chrome.runtime.onInstalled.addListener(reRegister);
chrome.runtime.onStartup.addListener(reRegister);
// The agent's own settings are registered when the options page says it saved them.
chrome.storage.onChanged.addListener((_changes, area) => {
  if (area === 'managed') void reRegister();
});
