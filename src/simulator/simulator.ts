/**
 * A stand-in for Superfone's Click-to-Call API, faithful to what its documentation says,
 * with every assumption where the documentation is silent written down here:
 *
 * - Busy agent: the docs say a START for an agent already on a call fails, not how.
 *   The simulator answers `409 {"message": "User is already on a call"}` (configurable
 *   through `busyResponse`, so clients can be tested against other guesses).
 * - END: always sends the notification (when the app is online) and frees the agent,
 *   whichever customer it names, because the docs say END "ends the agent's active call".
 * - App offline: `200` with `sentSuccess: false`, and the agent is not marked busy.
 * - Unknown query parameters are ignored, as most HTTP APIs do, but recorded.
 * - `notificationID`s count up from 10001.
 * - After a START, the call plays out and is reported as `simulated-calls.ts` describes.
 */

import {
  type AfterCallReports,
  DEFAULT_ANSWER_AFTER_MS,
  DEFAULT_TALK_MS,
  type NotificationTarget,
  SimulatedCalls,
  type SimulatedDelivery,
  type SimulatedOutcome,
} from './simulated-calls.js';

export interface SimulatedAgent {
  /** E.164, as a Superfone team member is registered. */
  number: string;
  name: string;
  /** Whether the agent's Superfone app can receive notifications. */
  appOnline: boolean;
}

export type SimulatorFault =
  | { kind: 'slow'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'server-error' }
  | { kind: 'html' }
  | { kind: 'truncated-json' }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  /** A 200 whose JSON body is `bytes` long: a broken gateway, or a debug dump. */
  | { kind: 'huge-body'; bytes: number }
  /** A normal success with undocumented extras, the API key echoed among them. */
  | { kind: 'leaky-success' }
  /** Any documented refusal: `400 Invalid request`, `403 Forbidden`, … */
  | { kind: 'reject'; status: number; message: string }
  /** A normal success whose `message` is this text: what a chatty or broken Superfone might say. */
  | { kind: 'success-message'; message: string };

export const FAULT_KINDS = ['slow', 'hang', 'reset', 'server-error', 'html', 'truncated-json', 'rate-limit', 'huge-body', 'leaky-success', 'reject', 'success-message'] as const;

/** How the simulator answers one API request; the server turns it into bytes on the wire. */
export type ApiReply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'text'; status: number; contentType: string; text: string }
  /** A success body padded to `bytes`, streamed so the simulator never holds it. */
  | { kind: 'huge-json'; bytes: number }
  | { kind: 'hang' }
  | { kind: 'reset' };

export interface SimulatedNotification {
  notificationId: number;
  action: 'START' | 'END';
  agentNumber: string;
  customerNumber: string;
  sentSuccess: boolean;
  time: string;
}

/** One request as it arrived, so tests can check what a client really sent. */
export interface RecordedRequest {
  time: string;
  /** The raw query string, exactly as received (`customer_number=%2B91...`). */
  rawQuery: string;
  /** Parameter names in order, repeated ones included. */
  parameterNames: string[];
  apiKeyValid: boolean;
  status: number | 'hang' | 'reset';
}

export interface SimulatorSnapshot {
  agents: Array<SimulatedAgent & { activeCall: string | null; calls: number }>;
  notifications: SimulatedNotification[];
  /** Event notifications delivered to the configured URL, with the receiver's status. */
  deliveries: SimulatedDelivery[];
  requests: RecordedRequest[];
  fault: (SimulatorFault & { remaining: number | null }) | null;
}

export interface SimulatorOptions {
  /** The key clients must send in `X-API-Key`. Default: a random one (read it from `simulator.apiKey`). */
  apiKey?: string;
  /** Where to deliver event notifications (`ALL_CALLS`, `MISSED_CALL`) when calls end. */
  notifications?: NotificationTarget;
  agents?: SimulatedAgent[];
  busyResponse?: { status: number; message: string };
  /**
   * How long an answered customer talks before hanging up, in milliseconds; `null`: until
   * an END. Default 60 000. `calls.setOutcome` changes it for a while; `reset` restores it.
   */
  talkMs?: number | null;
  /**
   * Whether an answered call's recording (`CDR_RECORDING_AVAILABLE`) and summary
   * (`CDR_SUMMARY_READY`) are reported, and how many milliseconds after its record; `null`:
   * never. Default: neither, so a receiver hears `ALL_CALLS` (and `MISSED_CALL`) only.
   */
  reports?: Partial<AfterCallReports>;
}

export const DEFAULT_AGENTS: readonly SimulatedAgent[] = [
  { number: '+919876543210', name: 'Asha Rao', appOnline: true },
  { number: '+919812345678', name: 'Vikram Shah', appOnline: true },
  { number: '+919900011122', name: 'Meera Iyer (app offline)', appOnline: false },
];

const E164 = /^\+[1-9]\d{6,14}$/;

/** Reports as asked, each a delay up to 10 minutes or `null`; anything else is refused at start-up. */
export function afterCallReports(reports: Partial<AfterCallReports>): AfterCallReports {
  const delay = (name: keyof AfterCallReports) => {
    const value = reports[name] ?? null;
    if (value !== null && !(Number.isInteger(value) && value >= 0 && value <= 600_000))
      throw new TypeError(`${name} must be a whole number of milliseconds from 0 to 600000, or null (got ${String(value).slice(0, 40)}).`);
    return value;
  };
  return { recordingAfterMs: delay('recordingAfterMs'), summaryAfterMs: delay('summaryAfterMs') };
}
/** Enough history for a demo session; older entries are dropped so memory stays bounded. */
const HISTORY_LIMIT = 200;

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return 'sim_' + Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export class SuperfoneSimulator {
  readonly apiKey: string;
  /** The simulated calls after each START: their outcomes, and the notifications they send. */
  readonly calls: SimulatedCalls;
  readonly #agents: Map<string, SimulatedAgent & { activeCall: string | null; calls: number }>;
  readonly #busyResponse: { status: number; message: string };
  #notifications: SimulatedNotification[] = [];
  #requests: RecordedRequest[] = [];
  #requestCount = 0;
  #nextNotificationId = 10001;
  #fault: { fault: SimulatorFault; remaining: number | null } | null = null;

  constructor(options: SimulatorOptions = {}) {
    this.apiKey = options.apiKey ?? randomKey();
    this.#busyResponse = options.busyResponse ?? { status: 409, message: 'User is already on a call' };
    this.#agents = new Map();
    const talkMs = options.talkMs === undefined ? DEFAULT_TALK_MS : options.talkMs;
    if (talkMs !== null && !(Number.isInteger(talkMs) && talkMs >= 0)) throw new TypeError(`talkMs must be a whole number of milliseconds, 0 or more, or null (got ${talkMs}).`);
    const defaultOutcome: SimulatedOutcome = { kind: 'answered', answerAfterMs: DEFAULT_ANSWER_AFTER_MS, talkMs };
    this.calls = new SimulatedCalls(
      options.notifications ?? null,
      (agentNumber) => {
        const agent = this.#agents.get(agentNumber);
        if (agent) agent.activeCall = null;
      },
      defaultOutcome,
      afterCallReports(options.reports ?? {}),
    );
    for (const agent of options.agents ?? DEFAULT_AGENTS) {
      if (!E164.test(agent.number)) throw new TypeError(`Simulated agent number "${agent.number}" is not E.164.`);
      this.#agents.set(agent.number, { ...agent, activeCall: null, calls: 0 });
    }
  }

  /** Makes the next `count` API requests (all of them when omitted) fail this way. */
  setFault(fault: SimulatorFault | null, count?: number): void {
    if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new RangeError(`count must be a positive whole number (got ${count}).`);
    this.#fault = fault ? { fault, remaining: count ?? null } : null;
  }

  setAppOnline(agentNumber: string, appOnline: boolean): void {
    const agent = this.#agents.get(agentNumber);
    if (!agent) throw new RangeError(`No simulated agent ${agentNumber}.`);
    agent.appOnline = appOnline;
  }

  /** API requests answered since the last reset; unlike `snapshot().requests`, never trimmed. */
  get requestCount(): number {
    return this.#requestCount;
  }

  /** The latest API request, as it arrived. */
  lastRequest(): RecordedRequest | undefined {
    const last = this.#requests.at(-1);
    return last && { ...last, parameterNames: [...last.parameterNames] };
  }

  /** Forgets calls, history and faults; agents and their app status stay. */
  reset(): void {
    for (const agent of this.#agents.values()) {
      agent.activeCall = null;
      agent.calls = 0;
    }
    this.#notifications = [];
    this.#requests = [];
    this.#requestCount = 0;
    this.#fault = null;
    this.calls.reset();
  }

  snapshot(): SimulatorSnapshot {
    return structuredClone({
      agents: [...this.#agents.values()],
      notifications: this.#notifications,
      deliveries: this.calls.deliveries,
      requests: this.#requests,
      fault: this.#fault ? { ...this.#fault.fault, remaining: this.#fault.remaining } : null,
    });
  }

  /** Answers `GET /superfone/api/customer/click-2-call?...` as Superfone documents it. */
  handleClickToCall(rawQuery: string, apiKeyHeader: string | null): ApiReply {
    const query = new URLSearchParams(rawQuery);
    const apiKeyValid = apiKeyHeader === this.apiKey;
    const fault = this.#takeFault();
    let reply = (fault && faultReply(fault)) ?? this.#decide(query, apiKeyValid);
    if (fault?.kind === 'slow' && reply.kind === 'json') reply = { ...reply, delayMs: fault.delayMs };
    if (fault?.kind === 'leaky-success' && reply.kind === 'json' && reply.status === 200) reply = { ...reply, body: this.#leaky(reply.body) };
    if (fault?.kind === 'success-message' && reply.kind === 'json' && reply.status === 200) reply = { ...reply, body: { ...(reply.body as object), message: fault.message } };
    this.#requestCount += 1;
    this.#remember(this.#requests, {
      time: new Date().toISOString(),
      rawQuery,
      parameterNames: [...query.keys()],
      apiKeyValid,
      status: reply.kind === 'json' || reply.kind === 'text' ? reply.status : reply.kind === 'huge-json' ? 200 : reply.kind,
    });
    return reply;
  }

  #takeFault(): SimulatorFault | null {
    if (!this.#fault) return null;
    const { fault } = this.#fault;
    if (this.#fault.remaining !== null && --this.#fault.remaining <= 0) this.#fault = null;
    return fault;
  }

  #decide(query: URLSearchParams, apiKeyValid: boolean): ApiReply {
    if (!apiKeyValid) return { kind: 'json', status: 401, body: { message: 'UnAuthorized, Please Provide Valid API Key' } };
    const customerNumber = query.get('customer_number');
    const agentNumber = query.get('user_number');
    const action = query.get('call_action') ?? 'START';
    if (customerNumber === null || agentNumber === null || (action !== 'START' && action !== 'END')) {
      return { kind: 'json', status: 400, body: { message: 'Invalid request' } };
    }
    if (!E164.test(customerNumber) || !E164.test(agentNumber)) {
      return { kind: 'json', status: 400, body: { message: 'Invalid phone number' } };
    }
    const agent = this.#agents.get(agentNumber);
    if (!agent) return { kind: 'json', status: 404, body: { message: 'User not found' } };

    if (action === 'START' && agent.activeCall !== null) {
      return { kind: 'json', status: this.#busyResponse.status, body: { message: this.#busyResponse.message } };
    }
    const notificationId = this.#nextNotificationId++;
    const sentSuccess = agent.appOnline;
    if (sentSuccess && action === 'START') {
      agent.activeCall = customerNumber;
      agent.calls += 1;
      this.calls.started(agentNumber, customerNumber);
    }
    if (sentSuccess && action === 'END') {
      this.calls.ended(agentNumber);
      agent.activeCall = null;
    }
    this.#remember(this.#notifications, {
      notificationId,
      action,
      agentNumber,
      customerNumber,
      sentSuccess,
      time: new Date().toISOString(),
    });
    return { kind: 'json', status: 200, body: { data: { notificationID: notificationId, sentSuccess }, message: 'success' } };
  }

  #leaky(body: unknown): unknown {
    const { data, message } = body as { data: object; message: string };
    return {
      data: { ...data, agentDevice: { platform: 'android', pushToken: 'fcm-token-1234' }, apiKey: this.apiKey },
      message: `${message} (debug: key ${this.apiKey})`,
      debug: { headers: { 'x-api-key': this.apiKey }, trace: 'internal-trace-id' },
    };
  }

  #remember<T>(history: T[], entry: T): void {
    history.push(entry);
    if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
  }
}

/** The reply a fault forces, or `null` when the request is answered normally (only later, for `slow`). */
function faultReply(fault: SimulatorFault): ApiReply | null {
  switch (fault.kind) {
    case 'slow':
    case 'leaky-success':
    case 'success-message':
      return null;
    case 'huge-body':
      return { kind: 'huge-json', bytes: fault.bytes };
    case 'hang':
      return { kind: 'hang' };
    case 'reset':
      return { kind: 'reset' };
    case 'server-error':
      return { kind: 'json', status: 500, body: { message: 'Internal server error' } };
    case 'html':
      return { kind: 'text', status: 502, contentType: 'text/html', text: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    case 'truncated-json':
      return { kind: 'text', status: 200, contentType: 'application/json', text: '{"data": {"notificationID": 10' };
    case 'rate-limit':
      return {
        kind: 'json',
        status: 429,
        body: { message: 'Too many requests' },
        headers: { 'Retry-After': String(fault.retryAfterSeconds) },
      };
    case 'reject':
      return { kind: 'json', status: fault.status, body: { message: fault.message } };
  }
}
