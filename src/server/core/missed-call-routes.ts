import { normalizePhoneNumber } from '../../shared/phone-number.js';
import { MISSED_CALLS_EVENT, type MissedCallsBody } from '../../shared/protocol.js';
import { maskNumber } from './audit.js';
import { carriesBody } from './body-limit.js';
import { errorMessage, type Exchange } from './exchange.js';
import { type AgentIdentification, identifyAgent } from './identify-agent.js';
import type { StreamBudget } from './notifications/call-stream.js';
import type { MissedCalls } from './notifications/missed-calls.js';
import type { ProxyAnswer } from './proxy-message.js';
import { eventStreamAnswer, jsonAnswer, storeUnavailable } from './responses.js';
import { claimStream } from './stream-allowance.js';

/** What serving missed calls needs, built once per proxy. */
export interface MissedCallServing extends AgentIdentification {
  missed: MissedCalls;
  streams: StreamBudget;
  heartbeatMs: number;
  maxStreamMs: number;
}

const IPV4_LOOPBACK = /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i;

/** Whether the client is on this machine: the only one served missed calls without sign-in. */
function onThisMachine(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || IPV4_LOOPBACK.test(address));
}

/**
 * Whose missed calls a request may read, from its headers alone. With sign-in, the token's
 * agent, and only theirs (`?agent=` naming another is `403`). Without sign-in, the agent
 * named by `?agent=`, for a client on this machine only, as the CLI's other unauthenticated
 * defaults are: a customer's number and name are not for whoever can reach the proxy.
 */
async function whoseMissedCalls(exchange: Exchange, parts: MissedCallServing): Promise<{ ok: true; agentNumber: string } | { ok: false; answer: ProxyAnswer }> {
  const { refuse, url, platform } = exchange;
  const asked = url.searchParams.get('agent');
  const named = asked === null ? null : normalizePhoneNumber(asked, parts.defaultCountry);
  if (named && !named.ok) {
    return { ok: false, answer: refuse({ code: 'invalid_number', message: `agent: "${asked!.slice(0, 40)}" is not a valid phone number.` }) };
  }
  const identity = await identifyAgent(exchange, parts);
  if (!identity.ok) return identity;
  if (identity.agentNumber) {
    if (named && named.e164 !== identity.agentNumber) return { ok: false, answer: refuse({ code: 'forbidden', message: 'You can only see your own missed calls.' }) };
    return { ok: true, agentNumber: identity.agentNumber };
  }
  if (!onThisMachine(platform.clientAddress)) {
    return {
      ok: false,
      answer: refuse({
        code: 'forbidden',
        message: 'Missed calls are served without sign-in only to this machine. Set up sign-in (auth) to show them to agents.',
        kind: 'identity',
      }),
    };
  }
  if (!named)
    return {
      ok: false,
      answer: refuse({ code: 'bad_request', message: 'Whose missed calls? Add ?agent=<the agent’s number>, or set up sign-in.', detail: { missing: 'agent_number' } }),
    };
  return { ok: true, agentNumber: named.e164 };
}

async function bodyFor(parts: MissedCallServing, agentNumber: string): Promise<MissedCallsBody> {
  return { agentNumber, missedCalls: await parts.missed.list(agentNumber) };
}

function unavailable(exchange: Exchange, error: unknown): ProxyAnswer {
  return exchange.refuse(storeUnavailable('Missed calls are unavailable for a moment. Try again shortly.'), errorMessage(error));
}

/** `GET …/missed-calls`: the agent's unreturned missed calls, newest first. */
export async function missedCallList(exchange: Exchange, parts: MissedCallServing): Promise<ProxyAnswer> {
  const whose = await whoseMissedCalls(exchange, parts);
  if (!whose.ok) return whose.answer;
  exchange.entry.agent = maskNumber(whose.agentNumber);
  try {
    return exchange.finish(jsonAnswer(await bodyFor(parts, whose.agentNumber), 200), 'ok');
  } catch (error) {
    return unavailable(exchange, error);
  }
}

/** `POST …/missed-calls/<id>/dismiss`: the agent is done with it, in every tab. Takes no body. */
export async function dismissMissedCall(exchange: Exchange, id: string, parts: MissedCallServing): Promise<ProxyAnswer> {
  const { request, refuse, finish } = exchange;
  if (carriesBody(request)) return refuse({ code: 'bad_request', status: 413, message: 'Dismissing takes no body.' });
  const whose = await whoseMissedCalls(exchange, parts);
  if (!whose.ok) return whose.answer;
  exchange.entry.agent = maskNumber(whose.agentNumber);
  try {
    const removed = await parts.missed.remove(whose.agentNumber, (call) => call.id === id);
    if (!removed) return refuse({ code: 'bad_request', status: 404, message: 'No such missed call: it was called back or dismissed already.' });
    return finish(jsonAnswer({ ok: true }, 200), 'ok');
  } catch (error) {
    return unavailable(exchange, error);
  }
}

const encoder = new TextEncoder();

/**
 * `GET …/missed-calls/events`: the list now, then again each time it changes (a new missed
 * call, one called back or dismissed, on any instance), as Server-Sent Events. Streams count
 * against the client's stream budget, heartbeat, and close after `maxStreamMs`; the browser
 * reconnects.
 */
export async function missedCallEvents(exchange: Exchange, clientKey: string | null, parts: MissedCallServing): Promise<ProxyAnswer> {
  const whose = await whoseMissedCalls(exchange, parts);
  if (!whose.ok) return whose.answer;
  const { agentNumber } = whose;
  exchange.entry.agent = maskNumber(agentNumber);
  const stream = claimStream(exchange, clientKey, parts.streams);
  if ('refused' in stream) return stream.refused;
  const { release } = stream;
  let stopWatching: (() => Promise<void>) | undefined;
  let changed: () => void = () => {};
  let first: MissedCallsBody;
  try {
    stopWatching = await parts.missed.watch(agentNumber, () => changed());
    first = await bodyFor(parts, agentNumber);
  } catch (error) {
    release();
    void stopWatching?.().catch(() => {});
    return unavailable(exchange, error);
  }
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let lifetime: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (closed) return false;
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    void stopWatching?.().catch(() => {});
    release();
    return true;
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      let sent = '';
      const send = (list: MissedCallsBody) => {
        const data = JSON.stringify(list);
        if (data === sent) return;
        sent = data;
        write(`event: ${MISSED_CALLS_EVENT}\ndata: ${data}\n\n`);
      };
      write('retry: 3000\n\n');
      send(first);
      changed = () => {
        void bodyFor(parts, agentNumber).then(send, () => {});
      };
      heartbeat = setInterval(() => write(': heartbeat\n\n'), parts.heartbeatMs);
      lifetime = setTimeout(() => stop() && controller.close(), parts.maxStreamMs);
      exchange.request.signal.addEventListener('abort', () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
  return exchange.finish(eventStreamAnswer(body), 'ok');
}

/** The missed-calls routes: GET the list or its stream; POST to dismiss one. `parts` is `null` where notifications are off. */
export async function serveMissedCalls(
  exchange: Exchange,
  route: { kind: 'missed-calls' | 'missed-call-events' } | { kind: 'dismiss-missed-call'; id: string },
  clientKey: string | null,
  parts: MissedCallServing | null,
): Promise<ProxyAnswer> {
  const { request, refuse } = exchange;
  const method = route.kind === 'dismiss-missed-call' ? 'POST' : 'GET';
  if (request.method !== method) {
    return refuse({ code: 'bad_request', status: 405, message: `Use ${method} here (got ${request.method}).`, headers: { Allow: method }, kind: 'method' });
  }
  if (!parts)
    return refuse({ code: 'bad_request', status: 404, message: 'Not found; missed calls are kept only where call notifications are turned on (webhookSecret).', kind: 'route' });
  if (route.kind === 'missed-calls') return missedCallList(exchange, parts);
  if (route.kind === 'missed-call-events') return missedCallEvents(exchange, clientKey, parts);
  return dismissMissedCall(exchange, 'id' in route ? route.id : '', parts);
}
