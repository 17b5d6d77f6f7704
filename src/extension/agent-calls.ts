// The agent's calls, placed and followed by the service worker: one call per agent across
// tabs and sites, each followed to Superfone's record of how it ended. Kept in session
// storage, which outlives the worker's restarts (Chrome stops an idle worker) but not the browser's.
import { callInTheWay, followCall, sendCallRequest } from '../client/index.js';
import type { CallAnswer, CallAsk, CallEndedNews } from './extension-messages.js';
import type { ExtensionSettings } from './settings.js';

/** Calls the proxy does not answer within this are given up (it answers within its own timeout, 10 s by default). */
const CALL_TIMEOUT_MS = 15_000;
const FOLLOW_ALARM = 'follow-calls';

/** The agent's call on now, and the site (the top page's origin) it was placed from. */
interface ActiveCall {
  customerNumber: string;
  site: string;
}

/** A call the worker follows: a stopped worker picks it up again when it wakes. */
interface FollowedCall {
  callId: string;
  customerNumber: string;
  proxyUrl: string;
  tabId: number;
}

async function activeCall(): Promise<ActiveCall | null> {
  const { activeCall: call } = await chrome.storage.session.get('activeCall');
  return call && typeof call === 'object' ? (call as ActiveCall) : null;
}

/** The calls followed by this run of the worker (a stopped worker starts with none). */
const following = new Map<string, () => void>();

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
        if ((await activeCall())?.customerNumber === call.customerNumber) await chrome.storage.session.remove('activeCall');
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
export async function resumeFollowing(): Promise<void> {
  const { followed = [] } = await chrome.storage.session.get('followed');
  for (const call of followed as FollowedCall[]) followToTheEnd(call);
}

/**
 * START or END for a mark on `site`. `token` gives the Bearer token, `renew: true` a fresh one
 * after the proxy refused the one held; `null` where the proxy asks for none.
 */
export async function placeCall(
  ask: CallAsk,
  settings: ExtensionSettings,
  from: { tabId: number; site: string },
  token: ((options: { renew: boolean }) => Promise<string | null>) | null,
): Promise<CallAnswer> {
  const busy = await activeCall();
  if (ask.action === 'START' && busy) {
    // Another site's page never learns whom the agent is talking to.
    if (busy.site !== from.site) return { ok: false, busyElsewhere: true };
    const inTheWay = callInTheWay(busy, ask.customerNumber);
    if (inTheWay) return { ok: false, busyWith: inTheWay.customerNumber };
  }
  const body = { customer_number: ask.customerNumber, call_action: ask.action, ...(settings.agentNumber ? { user_number: settings.agentNumber } : {}) };
  // The call client asks for a token again after a refusal of the one sent: that one is renewed.
  let asked = 0;
  const reply = await sendCallRequest(settings.proxyUrl, body, AbortSignal.timeout(CALL_TIMEOUT_MS), token && (() => token({ renew: asked++ > 0 }))).catch((): CallAnswer => ({
    ok: false,
    code: 'network_error',
    status: 0,
  }));
  if (reply.ok && ask.action === 'START') {
    await chrome.storage.session.set({ activeCall: { customerNumber: ask.customerNumber, site: from.site } satisfies ActiveCall });
    if (reply.callId) await startFollowing({ callId: reply.callId, customerNumber: ask.customerNumber, proxyUrl: settings.proxyUrl, tabId: from.tabId });
  }
  if (reply.ok && ask.action === 'END') await chrome.storage.session.remove('activeCall');
  return reply;
}
