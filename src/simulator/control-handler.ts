import { SIMULATOR_CONTROL_PATH } from '../shared/simulator-paths.js';
import type { AfterCallReports, DeliveryFaults, SimulatedOutcome } from './simulated-calls.js';
import { afterCallReports, FAULT_KINDS, type SimulatorFault, type SuperfoneSimulator } from './simulator.js';

export { SIMULATOR_CONTROL_PATH };

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

function parseFault(body: Record<string, unknown>): SimulatorFault | null | string {
  const kind = body.kind;
  if (kind === null) return null;
  if (!(FAULT_KINDS as readonly unknown[]).includes(kind)) return `kind must be one of ${FAULT_KINDS.join(', ')} or null`;
  if (kind === 'slow') {
    const delayMs = Number(body.delayMs ?? 3000);
    return Number.isFinite(delayMs) && delayMs >= 0 ? { kind, delayMs } : 'delayMs must be a number';
  }
  if (kind === 'rate-limit') {
    const retryAfterSeconds = Number(body.retryAfterSeconds ?? 30);
    return Number.isInteger(retryAfterSeconds) && retryAfterSeconds >= 0 ? { kind, retryAfterSeconds } : 'retryAfterSeconds must be a whole number';
  }
  if (kind === 'reject') {
    const status = Number(body.status ?? 400);
    return Number.isInteger(status) && status >= 400 && status < 600 ? { kind, status, message: String(body.message ?? 'Invalid request') } : 'status must be a 4xx or 5xx';
  }
  if (kind === 'success-message') {
    return typeof body.message === 'string' ? { kind, message: body.message } : 'message must be a string';
  }
  if (kind === 'huge-body') {
    const bytes = Number(body.bytes ?? 50_000_000);
    return Number.isInteger(bytes) && bytes > 0 ? { kind, bytes } : 'bytes must be a positive whole number';
  }
  return { kind } as SimulatorFault;
}

function parseOutcome(body: Record<string, unknown>): SimulatedOutcome | string {
  const ms = (name: string, fallback: number | null) => {
    const value = body[name] === undefined ? fallback : body[name] === null ? null : Number(body[name]);
    return value === null || (Number.isFinite(value) && value >= 0) ? value : NaN;
  };
  switch (body.kind) {
    case 'answered': {
      const answerAfterMs = ms('answerAfterMs', 2_000);
      const talkMs = ms('talkMs', null);
      return Number.isNaN(answerAfterMs) || answerAfterMs === null || Number.isNaN(talkMs)
        ? 'answerAfterMs and talkMs must be milliseconds'
        : { kind: 'answered', answerAfterMs, talkMs };
    }
    case 'missed': {
      const ringMs = ms('ringMs', 5_000);
      return Number.isNaN(ringMs) || ringMs === null ? 'ringMs must be milliseconds' : { kind: 'missed', ringMs };
    }
    case 'busy': {
      const afterMs = ms('afterMs', 1_000);
      return Number.isNaN(afterMs) || afterMs === null ? 'afterMs must be milliseconds' : { kind: 'busy', afterMs };
    }
    case 'never-dialed':
      return { kind: 'never-dialed' };
    default:
      return 'kind must be answered, missed, busy or never-dialed';
  }
}

const DELIVERY_SWITCHES = ['duplicate', 'unknownCall', 'agentMissing', 'nationalFormat'] as const;

/** How the next deliveries go wrong (`{}`: they go right), or why the body says nothing the simulator can do. */
function parseDeliveryFaults(body: Record<string, unknown>): DeliveryFaults | string {
  const unknown = Object.keys(body).find((key) => key !== 'delayMs' && !(DELIVERY_SWITCHES as readonly string[]).includes(key));
  if (unknown !== undefined) return `unknown field "${unknown.slice(0, 40)}": use delayMs, ${DELIVERY_SWITCHES.join(', ')}`;
  const faults: DeliveryFaults = {};
  if (body.delayMs !== undefined) {
    if (!(typeof body.delayMs === 'number' && Number.isInteger(body.delayMs) && body.delayMs >= 0 && body.delayMs <= 600_000))
      return 'delayMs must be a whole number of milliseconds from 0 to 600000';
    faults.delayMs = body.delayMs;
  }
  for (const name of DELIVERY_SWITCHES) {
    if (body[name] === undefined) continue;
    if (typeof body[name] !== 'boolean') return `${name} must be true or false`;
    faults[name] = body[name];
  }
  return faults;
}

/** What a control did wrong, or `null` when it did what it was asked. */
type Refusal = { status: number; message: string } | null;
type Control = (simulator: SuperfoneSimulator, body: Record<string, unknown>) => Refusal;
const refused = (message: string, status = 400): Refusal => ({ status, message });

function inboundCall(simulator: SuperfoneSimulator, body: Record<string, unknown>): Refusal {
  const e164 = /^\+[1-9]\d{6,14}$/;
  const { customerNumber, agentNumber, contactName, answeredSec } = body;
  if (typeof customerNumber !== 'string' || !e164.test(customerNumber)) return refused('customerNumber must be an E.164 number');
  if (typeof agentNumber !== 'string' || !e164.test(agentNumber)) return refused('agentNumber must be an E.164 number');
  if (contactName !== undefined && (typeof contactName !== 'string' || contactName.length > 80)) return refused('contactName must be text of at most 80 characters');
  if (answeredSec !== undefined && !(typeof answeredSec === 'number' && Number.isInteger(answeredSec) && answeredSec > 0 && answeredSec <= 36_000)) {
    return refused('answeredSec must be a whole number of seconds from 1 to 36000, or left out for a missed call');
  }
  simulator.calls.inbound(customerNumber, agentNumber, { contactName: contactName as string | undefined, answeredSec: answeredSec as number | undefined });
  return null;
}

/** Each POST control by its route; each answers with the simulator's state once done. */
const CONTROLS: Record<string, Control> = {
  reset: (simulator) => (simulator.reset(), null),
  fault: (simulator, body) => {
    const fault = parseFault(body);
    if (typeof fault === 'string') return refused(fault);
    const count = body.count === undefined ? undefined : Number(body.count);
    if (count !== undefined && !(Number.isInteger(count) && count > 0)) return refused('count must be a positive whole number');
    simulator.setFault(fault, count);
    return null;
  },
  app: (simulator, body) => {
    try {
      simulator.setAppOnline(String(body.number), body.appOnline === true);
      return null;
    } catch (error) {
      return refused((error as Error).message, 404);
    }
  },
  outcome: (simulator, body) => {
    const outcome = parseOutcome(body);
    if (typeof outcome === 'string') return refused(outcome);
    simulator.calls.setOutcome(outcome, { next: body.next === true });
    return null;
  },
  deliveries: (simulator, body) => {
    const faults = parseDeliveryFaults(body);
    if (typeof faults === 'string') return refused(faults);
    simulator.calls.setFaults(faults);
    return null;
  },
  reports: (simulator, body) => {
    const unknown = Object.keys(body).find((key) => key !== 'recordingAfterMs' && key !== 'summaryAfterMs');
    if (unknown !== undefined) return refused(`unknown field "${unknown.slice(0, 40)}": use recordingAfterMs, summaryAfterMs`);
    try {
      simulator.calls.setReports(afterCallReports(body as Partial<AfterCallReports>));
      return null;
    } catch (error) {
      return refused((error as Error).message);
    }
  },
  inbound: inboundCall,
  notifications: (simulator, body) => {
    if (body.url === null) return (simulator.calls.setTarget(null), null);
    if (typeof body.url !== 'string' || !URL.canParse(body.url)) return refused('url must be an absolute URL, or null');
    const headers = typeof body.headers === 'object' && body.headers !== null ? Object.fromEntries(Object.entries(body.headers).map(([name, value]) => [name, String(value)])) : {};
    simulator.calls.setTarget({ url: body.url, headers });
    return null;
  },
};

/**
 * The simulator's own endpoints, for tests and the demo (never part of Superfone's API):
 * `GET state`, `POST reset`, `POST fault {kind, count?, ...}`, `POST app {number, appOnline}`,
 * `POST outcome {kind, next?, ...}`, `POST deliveries {delayMs?, duplicate?, ...}`,
 * `POST reports {recordingAfterMs, summaryAfterMs}` (each milliseconds, or `null`: not sent),
 * `POST inbound {customerNumber, agentNumber, contactName?, answeredSec?}` (a customer's call to the agent: missed, or answered),
 * `POST notifications {url, headers}` (or `{url: null}`),
 * all under `/__superfone-simulator` (SIMULATOR_CONTROL_PATH), wherever the simulator is served.
 */
export function createSimulatorControlHandler(simulator: SuperfoneSimulator) {
  return async function handleSimulatorControl(request: Request): Promise<Response> {
    const pathname = new URL(request.url).pathname;
    const route = pathname.startsWith(SIMULATOR_CONTROL_PATH + '/') ? pathname.slice(SIMULATOR_CONTROL_PATH.length + 1) : '';
    if (request.method === 'GET' && route === 'state') return json(simulator.snapshot());
    if (request.method !== 'POST') return json({ message: 'Not found' }, 404);
    let body: Record<string, unknown> = {};
    try {
      const text = await request.text();
      if (text) body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return json({ message: 'Body must be JSON' }, 400);
    }
    const control = Object.hasOwn(CONTROLS, route) ? CONTROLS[route] : undefined;
    if (!control) return json({ message: 'Not found' }, 404);
    const refusal = control(simulator, body);
    return refusal ? json({ message: refusal.message }, refusal.status) : json(simulator.snapshot());
  };
}
