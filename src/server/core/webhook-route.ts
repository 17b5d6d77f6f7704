import type { CallRecord, CallUpdate } from '../../shared/call-record.js';
import { maskNumber } from './audit.js';
import { errorMessage, type Exchange } from './exchange.js';
import { toContactName } from './notifications/call-record-mapping.js';
import type { CallsByRecord } from './notifications/call-updates.js';
import type { FollowedCalls } from './notifications/followed-calls.js';
import { missedCallOf, type MissedCalls } from './notifications/missed-calls.js';
import { type CallMatch, DeliveriesSeen, PendingCalls } from './notifications/pending-calls.js';
import { type NotificationReceiver, receiveNotification } from './notifications/receiver.js';
import type { ProxyAnswer } from './proxy-message.js';
import { jsonAnswer } from './responses.js';

/** What receiving Superfone's deliveries needs, built once per proxy. */
export interface DeliveryHandling {
  receiver: NotificationReceiver;
  seen: DeliveriesSeen;
  pending: PendingCalls;
  calls: FollowedCalls;
  /** Customers who called an agent and were not answered, kept for the agent to call back. */
  missed: MissedCalls;
  onCallRecord?: (record: CallRecord, match: CallMatch | null) => void | Promise<void>;
  /** Where later reports find their call. */
  updates: CallsByRecord;
  onCallUpdate?: (update: CallUpdate, match: CallMatch | null) => void | Promise<void>;
}

/**
 * One delivery: authenticated and read, taken once however often it comes, matched to
 * the START that caused it, told to the pages that follow that call, and handed to the
 * integrator's `onCallRecord`. With the store out of reach the delivery still counts:
 * it is matched among the calls followed from this instance, and `onCallRecord` hears it.
 */
export async function receiveDelivery(exchange: Exchange, parts: DeliveryHandling): Promise<ProxyAnswer> {
  const { entry } = exchange;
  const delivery = await receiveNotification(exchange.request, parts.receiver);
  // Only an unauthenticated sender can flood; what carries the secret is always logged.
  exchange.budgeted = !delivery.ok && !delivery.authenticated;
  if (!delivery.ok) return exchange.refuse(delivery.failure);
  entry.event = delivery.event;
  const { record, update } = delivery;
  const about = record ?? update;
  if (!about || delivery.key === null) return exchange.finish(jsonAnswer({ ok: true }, 200), 'ok');
  entry.customer = maskNumber(about.customerNumber);
  entry.agent = maskNumber(about.agentNumber);

  /** What went wrong on the way, for the log; the delivery is taken all the same. */
  const problems: string[] = [];
  // The same call reported twice (ALL_CALLS and MISSED_CALL, or a repeat) counts once.
  const firstTime = await parts.seen.firstTime(delivery.key).catch((error: unknown) => {
    problems.push(`repeats not checked: ${errorMessage(error)}`);
    return true;
  });
  if (!firstTime) {
    entry.matched = false;
    return exchange.finish(jsonAnswer({ ok: true, duplicate: true }, 200), 'ok');
  }
  if (update) await takeUpdate(exchange, parts, update, problems);
  else if (record) await takeRecord(exchange, parts, record, problems);
  return exchange.finish(jsonAnswer({ ok: true }, 200), 'ok', problems.join('; ') || undefined);
}

/** A recording or a summary: to the call its record was matched to, its pages, and `onCallUpdate`. */
async function takeUpdate(exchange: Exchange, parts: DeliveryHandling, update: CallUpdate, problems: string[]): Promise<void> {
  const match = await parts.updates.match(update).catch((error: unknown) => {
    problems.push(`not matched, the store is out of reach: ${errorMessage(error)}`);
    return null;
  });
  exchange.entry.matched = match !== null;
  exchange.entry.agent ??= maskNumber(match?.agentNumber ?? null);
  if (match) {
    const notTold = await parts.calls.report(match, update).catch((error: unknown) => `pages not told: ${errorMessage(error)}`);
    if (notTold) problems.push(notTold);
  }
  try {
    await parts.onCallUpdate?.(update, match);
  } catch (error) {
    problems.push(`onCallUpdate threw: ${errorMessage(error)}`);
  }
}

/** Superfone's record of a call: matched to its START and told to its pages; kept as a missed call where it is one; handed to `onCallRecord`. */
async function takeRecord(exchange: Exchange, parts: DeliveryHandling, record: CallRecord, problems: string[]): Promise<void> {
  const { entry } = exchange;
  const match = await parts.pending.match(record).catch((error: unknown) => {
    problems.push(`matched among this instance's calls only: ${errorMessage(error)}`);
    return parts.calls.matchWatched(record);
  });
  entry.matched = match !== null;
  entry.agent ??= maskNumber(match?.agentNumber ?? null);
  if (match) {
    const notTold = await parts.calls.end(match, record);
    if (notTold) problems.push(notTold);
    await parts.updates.remember(record, match).catch((error: unknown) => problems.push(`its recording and summary may not find it: ${errorMessage(error)}`));
  }
  const missedCall = missedCallOf(record, match, toContactName(record.raw, parts.receiver.fields));
  if (missedCall) {
    entry.matched = false;
    entry.agent = maskNumber(missedCall.agentNumber);
    await parts.missed.add(missedCall).catch((error: unknown) => problems.push(`missed call not kept, the store is out of reach: ${errorMessage(error)}`));
  }
  try {
    await parts.onCallRecord?.(record, match);
  } catch (error) {
    problems.push(`onCallRecord threw: ${errorMessage(error)}`);
  }
}
