/**
 * What happens after a START in the simulated world: the agent's app dials, the customer
 * answers or not, someone hangs up, and Superfone's event notifications report the call
 * to the URL an account owner configured. Where Superfone documents nothing, assumed:
 *
 * - Payload fields are the names third-party integrations report (`cdr_id`,
 *   `cdr_disposition`, `cdr_duration`, `cdr_start`/`cdr_answer`/`cdr_end`,
 *   `cdr_recording_url`, `cdr_call_type`, `staff_phone`), with the documented envelope
 *   (`event`, `superfone_number`, `organization_name`, `cdr_phone`).
 * - Dispositions `ANSWERED`, `NO_ANSWER`, `BUSY`; times in IST as `YYYY-MM-DD HH:mm:ss`;
 *   the customer as E.164 and the agent as digits with the country code, no `+`.
 * - `ALL_CALLS` for every call, and `MISSED_CALL` too when it was not answered.
 * - After an answered call, when switched on (`setReports`): `CDR_RECORDING_AVAILABLE` with
 *   `cdr_recording_url` (an S3-style signed link, valid 7 days) and `CDR_SUMMARY_READY` with
 *   `cdr_summary` and `cdr_transcript`, each with the call's `cdr_id`. These field names are
 *   assumed, as the proxy's mapping assumes them.
 * - A customer's call to an agent (`inbound`): `cdr_call_type` `INBOUND`, the caller's name
 *   in `contact_first_name` and `contact_last_name` (reported names); missed, it is
 *   `MISSED_CALL` then `ALL_CALLS` with `NO_ANSWER`, having rung 25 s.
 * - One delivery each, never retried (one integration reports that Superfone does not retry).
 */

/** How the next call goes. Times are milliseconds, so tests need not wait seconds. */
export type SimulatedOutcome =
  /** `talkMs: null`: the call lasts until an END. */
  | { kind: 'answered'; answerAfterMs: number; talkMs: number | null }
  | { kind: 'missed'; ringMs: number }
  | { kind: 'busy'; afterMs: number }
  /** The app never dialed: no call, no notification. */
  | { kind: 'never-dialed' };

/** Ways a delivery can go wrong, for testing a receiver. */
export interface DeliveryFaults {
  /** Deliver each notification twice. */
  duplicate?: boolean;
  /** Wait this long before delivering. */
  delayMs?: number;
  /** Report another customer than the one called: a call the receiver never started. */
  unknownCall?: boolean;
  /** Leave `staff_phone` out. */
  agentMissing?: boolean;
  /** Write the customer's number in national format (`0…`). */
  nationalFormat?: boolean;
}

/** The reports Superfone sends after an answered call, and how long after its record; `null`: not sent. */
export interface AfterCallReports {
  recordingAfterMs: number | null;
  summaryAfterMs: number | null;
}

export const NO_REPORTS: AfterCallReports = { recordingAfterMs: null, summaryAfterMs: null };

export interface NotificationTarget {
  url: string;
  /** The headers the account owner set in the dashboard, such as `Authorization`. */
  headers?: Record<string, string>;
}

export interface SimulatedDelivery {
  /** When it was answered (or gave up), ISO 8601. */
  time: string;
  event: string;
  payload: Record<string, unknown>;
  /** The receiver's HTTP status, or `null` when it could not be reached. */
  status: number | null;
}

/** How long a simulated customer takes to answer, and talks before hanging up, unless told otherwise. */
export const DEFAULT_ANSWER_AFTER_MS = 2_000;
export const DEFAULT_TALK_MS = 60_000;

/**
 * The customer answers after two seconds and hangs up a minute later, as a person does: a
 * call whose page went away (a closed tab) ends, and its agent is free again, without an
 * END nobody is left to send.
 */
export const DEFAULT_OUTCOME: SimulatedOutcome = { kind: 'answered', answerAfterMs: DEFAULT_ANSWER_AFTER_MS, talkMs: DEFAULT_TALK_MS };
const SUPERFONE_NUMBER = '+918069000000';
const HISTORY_LIMIT = 200;

interface LiveCall {
  agentNumber: string;
  customerNumber: string;
  startedAt: number;
  answeredAt: number | null;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** `2026-11-26 15:00:05`, in IST. */
function istText(epochMs: number): string {
  return new Date(epochMs + 5.5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export class SimulatedCalls {
  readonly deliveries: SimulatedDelivery[] = [];
  #target: NotificationTarget | null;
  /** How calls go unless told otherwise, and again after `reset()`. */
  readonly #defaultOutcome: SimulatedOutcome;
  #outcome: SimulatedOutcome;
  #nextOutcome: SimulatedOutcome | null = null;
  #faults: DeliveryFaults = {};
  readonly #defaultReports: AfterCallReports;
  #reports: AfterCallReports;
  readonly #live = new Map<string, LiveCall>();
  readonly #pending = new Set<Promise<void>>();
  readonly #onCallOver: (agentNumber: string) => void;
  #cdrCount = 0;

  constructor(
    target: NotificationTarget | null,
    onCallOver: (agentNumber: string) => void,
    defaultOutcome: SimulatedOutcome = DEFAULT_OUTCOME,
    defaultReports: AfterCallReports = NO_REPORTS,
  ) {
    this.#target = target;
    this.#onCallOver = onCallOver;
    this.#defaultOutcome = defaultOutcome;
    this.#outcome = defaultOutcome;
    this.#defaultReports = defaultReports;
    this.#reports = defaultReports;
  }

  setTarget(target: NotificationTarget | null): void {
    this.#target = target;
  }

  /** How calls go from now on; `next` only for the next one. */
  setOutcome(outcome: SimulatedOutcome, options: { next?: boolean } = {}): void {
    if (options.next) this.#nextOutcome = outcome;
    else this.#outcome = outcome;
  }

  setFaults(faults: DeliveryFaults): void {
    this.#faults = { ...faults };
  }

  /** Whether, and how long after its record, an answered call's recording and summary are reported from now on. */
  setReports(reports: AfterCallReports): void {
    this.#reports = { ...reports };
  }

  /** A START reached the agent's app: the call plays out as the outcome says. */
  started(agentNumber: string, customerNumber: string): void {
    const outcome = this.#nextOutcome ?? this.#outcome;
    this.#nextOutcome = null;
    if (outcome.kind === 'never-dialed') {
      this.#onCallOver(agentNumber);
      return;
    }
    const call: LiveCall = { agentNumber, customerNumber, startedAt: Date.now(), answeredAt: null, timer: undefined };
    this.#live.set(agentNumber, call);
    const later = (ms: number, then: () => void) => {
      call.timer = setTimeout(then, ms);
      (call.timer as { unref?: () => void }).unref?.();
    };
    if (outcome.kind === 'answered') {
      later(outcome.answerAfterMs, () => {
        call.answeredAt = Date.now();
        if (outcome.talkMs !== null) later(outcome.talkMs, () => this.#finish(call, 'ANSWERED'));
      });
    } else if (outcome.kind === 'missed') {
      later(outcome.ringMs, () => this.#finish(call, 'NO_ANSWER'));
    } else {
      later(outcome.afterMs, () => this.#finish(call, 'BUSY'));
    }
  }

  /**
   * A customer calls the business and the agent does not pick up: reported as Superfone
   * reports an unanswered inbound call (`ALL_CALLS` and `MISSED_CALL`, `cdr_call_type`
   * `INBOUND`), with the caller's name as the business's contacts have it, if given.
   */
  missedInbound(customerNumber: string, agentNumber: string, contactName?: string): void {
    this.inbound(customerNumber, agentNumber, { contactName });
  }

  /**
   * A customer calls the business and rings the agent: missed (as `missedInbound`), or, with
   * `answeredSec`, answered and talked that long (`ALL_CALLS` only, `ANSWERED`; its recording
   * and summary follow when `setReports` says so).
   */
  inbound(customerNumber: string, agentNumber: string, options: { contactName?: string; answeredSec?: number } = {}): void {
    const { contactName, answeredSec } = options;
    const now = Date.now();
    this.#cdrCount += 1;
    const [first, ...rest] = (contactName ?? '').trim().split(/\s+/);
    const payload: Record<string, unknown> = {
      superfone_number: SUPERFONE_NUMBER,
      organization_name: 'Simulated Org',
      cdr_phone: customerNumber,
      cdr_id: `sim-cdr-${this.#cdrCount}`,
      cdr_disposition: answeredSec === undefined ? 'NO_ANSWER' : 'ANSWERED',
      cdr_duration: answeredSec ?? 0,
      cdr_start: istText(now - 25_000 - (answeredSec ?? 0) * 1000),
      cdr_answer: answeredSec === undefined ? null : istText(now - (answeredSec ?? 0) * 1000),
      cdr_end: istText(now),
      cdr_recording_url: null,
      cdr_call_type: 'INBOUND',
      staff_phone: agentNumber.replace(/^\+/, ''),
      ...(first ? { contact_first_name: first, ...(rest.length > 0 ? { contact_last_name: rest.join(' ') } : {}) } : {}),
    };
    const events = answeredSec === undefined ? ['MISSED_CALL', 'ALL_CALLS'] : ['ALL_CALLS'];
    for (const event of events) this.#deliver({ event, ...payload }, this.#faults.delayMs ?? 0);
    if (answeredSec !== undefined) this.#reportAfter(payload, customerNumber, now);
  }

  /** END from the agent's side: the call ends now, answered or not. */
  ended(agentNumber: string): void {
    const call = this.#live.get(agentNumber);
    if (call) this.#finish(call, call.answeredAt === null ? 'NO_ANSWER' : 'ANSWERED');
  }

  /** Forgets live calls and history; no timer is left behind. */
  reset(): void {
    for (const call of this.#live.values()) clearTimeout(call.timer);
    this.#live.clear();
    this.deliveries.length = 0;
    this.#nextOutcome = null;
    this.#outcome = this.#defaultOutcome;
    this.#faults = {};
    this.#reports = this.#defaultReports;
  }

  /** Calls still going on (ringing or talking). */
  get liveCount(): number {
    return this.#live.size;
  }

  /** Resolves once every delivery started so far has been answered. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #finish(call: LiveCall, disposition: 'ANSWERED' | 'NO_ANSWER' | 'BUSY'): void {
    clearTimeout(call.timer);
    if (this.#live.get(call.agentNumber) !== call) return;
    this.#live.delete(call.agentNumber);
    this.#onCallOver(call.agentNumber);
    const endedAt = Date.now();
    this.#cdrCount += 1;
    const faults = this.#faults;
    const customer = faults.unknownCall ? '+918000099999' : call.customerNumber;
    const payload: Record<string, unknown> = {
      event: 'ALL_CALLS',
      superfone_number: SUPERFONE_NUMBER,
      organization_name: 'Simulated Org',
      cdr_phone: faults.nationalFormat && customer.startsWith('+91') ? `0${customer.slice(3)}` : customer,
      cdr_id: `sim-cdr-${this.#cdrCount}`,
      cdr_disposition: disposition,
      cdr_duration: call.answeredAt === null ? 0 : Math.round((endedAt - call.answeredAt) / 1000),
      cdr_start: istText(call.startedAt),
      cdr_answer: call.answeredAt === null ? null : istText(call.answeredAt),
      cdr_end: istText(endedAt),
      cdr_recording_url: call.answeredAt === null ? null : `https://recordings.simulator.invalid/sim-cdr-${this.#cdrCount}.mp3`,
      cdr_call_type: 'OUTBOUND',
      ...(faults.agentMissing ? {} : { staff_phone: call.agentNumber.replace(/^\+/, '') }),
    };
    const events = disposition === 'ANSWERED' ? ['ALL_CALLS'] : ['ALL_CALLS', 'MISSED_CALL'];
    for (const event of events) for (let copy = 0; copy < (faults.duplicate ? 2 : 1); copy++) this.#deliver({ ...payload, event }, faults.delayMs ?? 0);
    if (disposition === 'ANSWERED') this.#reportAfter(payload, customer, endedAt);
  }

  /** An answered call's recording and summary, each after its delay, as `setReports` says. */
  #reportAfter(payload: Record<string, unknown>, customer: string, endedAt: number): void {
    const faults = this.#faults;
    const send = (body: Record<string, unknown>, afterMs: number) => {
      for (let copy = 0; copy < (faults.duplicate ? 2 : 1); copy++) this.#deliver(body, (faults.delayMs ?? 0) + afterMs);
    };
    const { recordingAfterMs, summaryAfterMs } = this.#reports;
    const envelope = {
      superfone_number: payload.superfone_number,
      organization_name: payload.organization_name,
      cdr_phone: payload.cdr_phone,
      cdr_id: payload.cdr_id,
      cdr_start: payload.cdr_start,
      staff_phone: payload.staff_phone,
    };
    if (recordingAfterMs !== null) {
      const signed = `X-Amz-Date=${new Date(endedAt).toISOString().replace(/[-:]|\.\d+/g, '')}&X-Amz-Expires=604800&X-Amz-Signature=simulated`;
      send({ event: 'CDR_RECORDING_AVAILABLE', ...envelope, cdr_recording_url: `https://recordings.simulator.invalid/${payload.cdr_id}.mp3?${signed}` }, recordingAfterMs);
    }
    if (summaryAfterMs !== null) {
      const summary = `The customer (${customer}) asked for a quote and a call back tomorrow.`;
      send(
        { event: 'CDR_SUMMARY_READY', ...envelope, cdr_summary: summary, cdr_transcript: 'Agent: Hello, this is Superfone calling.\nCustomer: Hi, please send me a quote.' },
        summaryAfterMs,
      );
    }
  }

  #deliver(payload: Record<string, unknown>, delayMs: number): void {
    const target = this.#target;
    if (!target) return;
    const delivery: SimulatedDelivery = { time: '', event: String(payload.event), payload, status: null };
    const sending = (async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...target.headers },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(10_000),
        });
        delivery.status = response.status;
        await response.body?.cancel();
      } catch {
        delivery.status = null;
      }
      delivery.time = new Date().toISOString();
      this.deliveries.push(delivery);
      if (this.deliveries.length > HISTORY_LIMIT) this.deliveries.splice(0, this.deliveries.length - HISTORY_LIMIT);
    })();
    this.#pending.add(sending);
    void sending.finally(() => this.#pending.delete(sending));
  }
}
