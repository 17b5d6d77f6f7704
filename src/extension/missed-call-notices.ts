// Missed calls as Chrome notifications: the worker asks the proxy for the agent's missed
// calls every minute (an alarm: Chrome stops an idle worker, and with it any stream), shows
// each new one once, and its Call back button places the call as the signed-in agent.
import { missedCallWords } from '../element/view/index.js';
import { formatForDisplay } from '../shared/phone-number.js';
import { isMissedCallsBody, type MissedCall, missedCallsPath } from '../shared/protocol.js';
import type { ExtensionSettings } from './settings.js';

export const MISSED_CALLS_ALARM = 'missed-calls';
/** Notifications of missed calls are named so; the rest of the id is the missed call's. */
const NOTICE_PREFIX = 'missed-call:';

type TokenSource = ((options: { renew: boolean }) => Promise<string | null>) | null;

/** Asks every minute, from now on; creating it again keeps one alarm. */
export async function watchMissedCalls(): Promise<void> {
  if (!(await chrome.alarms.get(MISSED_CALLS_ALARM))) await chrome.alarms.create(MISSED_CALLS_ALARM, { periodInMinutes: 1, delayInMinutes: 0.1 });
}

async function listMissedCalls(settings: ExtensionSettings, token: TokenSource): Promise<MissedCall[] | null> {
  const bearer = await token?.({ renew: false }).catch(() => null);
  if (token && !bearer) return null;
  const query = settings.agentNumber ? `?agent=${encodeURIComponent(settings.agentNumber)}` : '';
  try {
    const response = await fetch(`${missedCallsPath(settings.proxyUrl)}${query}`, {
      headers: { Accept: 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
      signal: AbortSignal.timeout(15_000),
    });
    const body: unknown = response.ok ? await response.json() : null;
    return isMissedCallsBody(body) ? body.missedCalls : null;
  } catch {
    return null;
  }
}

/**
 * Shows a notification for each missed call not shown before (kept in session storage, so a
 * restarted worker does not show them twice), and takes down those called back or dismissed.
 */
export async function showMissedCalls(settings: ExtensionSettings, token: TokenSource): Promise<void> {
  const calls = await listMissedCalls(settings, token);
  if (!calls) return;
  const { missedShown = [] } = await chrome.storage.session.get('missedShown');
  const shown = new Set(missedShown as string[]);
  const words = missedCallWords(settings.language === 'auto' ? (chrome.i18n?.getUILanguage?.() ?? 'en') : settings.language);
  for (const call of calls) {
    if (shown.has(call.id)) continue;
    const number = formatForDisplay(call.customerNumber);
    await chrome.notifications.create(`${NOTICE_PREFIX}${call.id}`, {
      type: 'basic',
      iconUrl: chrome.runtime.getURL('icon-128.png'),
      title: words.arrived(number, call.contactName),
      message: `${words.callBack}: ${number}`,
      buttons: [{ title: words.callBack }],
      requireInteraction: true,
    });
  }
  const current = new Set(calls.map((call) => call.id));
  for (const id of shown) if (!current.has(id)) await chrome.notifications.clear(`${NOTICE_PREFIX}${id}`);
  await chrome.storage.session.set({ missedShown: [...current] });
  // Their numbers, by notification, for the Call back button: a notification carries no data of its own.
  await chrome.storage.session.set({ missedNumbers: Object.fromEntries(calls.map((call) => [call.id, call.customerNumber])) });
}

/** The missed call a notification's button is for: its customer's number, or `null` for another notification. */
export async function missedCallNumber(notificationId: string): Promise<string | null> {
  if (!notificationId.startsWith(NOTICE_PREFIX)) return null;
  const { missedNumbers = {} } = await chrome.storage.session.get('missedNumbers');
  const number = (missedNumbers as Record<string, string>)[notificationId.slice(NOTICE_PREFIX.length)];
  return typeof number === 'string' ? number : null;
}

/** After Call back: the notification goes once the call is placed (the proxy forgets the missed call), else it says why not. */
export async function calledBack(notificationId: string, why: string | null): Promise<void> {
  if (why === null) {
    await chrome.notifications.clear(notificationId);
    return;
  }
  await chrome.notifications.update(notificationId, { message: why });
}
