import '../../src/index.js';

import { fixture, html } from '@open-wc/testing';

import { activeCalls, STORAGE_KEY as ACTIVE_CALLS_STORAGE_KEY } from '../../src/element/active-calls.js';
import { loadCallingChunk } from '../../src/element/calling-chunk-loader.js';
import type { SuperfoneCallButton } from '../../src/index.js';
import type { SimulatorFault, SimulatorSnapshot } from '../../src/simulator/simulator.js';
import { TEST_ROUTES } from '../support/test-routes.js';

// A page has number handling a moment after its first render (idle time); these tests start
// there. What happens before it loads is tested on its own, in numbers-load-lazily.test.ts.
await loadCallingChunk();

/** Agents the simulator knows by default. */
export const ASHA = '+919876543210';
export const VIKRAM = '+919812345678';
export const MEERA_OFFLINE = '+919900011122';
export const NOT_ON_SUPERFONE = '+919000000009';

async function control(route: string, body?: unknown): Promise<SimulatorSnapshot> {
  const response = await fetch(`${TEST_ROUTES.simulator}/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`simulator ${route}: HTTP ${response.status}`);
  return (await response.json()) as SimulatorSnapshot;
}

export const simulator = {
  /** Forgets calls on both sides: the simulator's, and the page's record of active calls. */
  reset: () => {
    localStorage.removeItem(ACTIVE_CALLS_STORAGE_KEY);
    activeCalls().reload();
    return control('reset', {});
  },
  state: () => control('state'),
  fault: (fault: SimulatorFault | null, count?: number) => control('fault', { kind: null, ...fault, count }),
  /** How the simulated customer answers the next calls: `{kind: 'answered', answerAfterMs, talkMs}`, `{kind: 'missed', ringMs}`, … */
  outcome: (outcome: Record<string, unknown>) => control('outcome', outcome),
  /** How the next deliveries to the proxy go wrong: `{delayMs}`, `{duplicate}`, …; `{}` puts them right (as `reset` does). */
  deliveries: (faults: Record<string, unknown>) => control('deliveries', faults),
  /** Whether an answered call's recording and summary are reported, and how many ms after its record (`null`: never; `reset` says never). */
  reports: (reports: { recordingAfterMs: number | null; summaryAfterMs: number | null }) => control('reports', reports),
  /** A customer calls the business and the agent does not pick up: Superfone reports the missed call to the proxy. */
  missedInbound: (customerNumber: string, agentNumber: string, contactName?: string) => control('inbound', { customerNumber, agentNumber, contactName }),
};

/** Resolves once `check` holds; rejects after `timeoutMs`, saying what was awaited. */
export async function until(check: () => boolean, what: string, timeoutMs = 6_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function callButton(customerNumber: string, options: { agentNumber?: string | null; proxyUrl?: string } = {}): Promise<SuperfoneCallButton> {
  const agentNumber = options.agentNumber === undefined ? ASHA : options.agentNumber;
  return fixture<SuperfoneCallButton>(html`<superfone-call-button
    customer-number=${customerNumber}
    agent-number=${agentNumber ?? ''}
    proxy-url=${options.proxyUrl ?? TEST_ROUTES.proxy}
  ></superfone-call-button>`);
}

export function innerButtons(element: SuperfoneCallButton): HTMLButtonElement[] {
  return [...element.shadowRoot!.querySelectorAll('button')];
}

export function primaryButton(element: SuperfoneCallButton): HTMLButtonElement {
  return innerButtons(element)[0]!;
}

/** The page's one live region, which every control speaks through. */
export function announcer(): HTMLElement {
  return document.querySelector<HTMLElement>('[data-superfone-announcer]')!;
}

/** What the page's live region says now. */
export function announced(): string {
  return announcer().textContent!.trim();
}

export function visibleMessage(element: SuperfoneCallButton): string {
  // Rendered only when there is a message.
  return element.shadowRoot!.querySelector('[part="message"]')?.textContent?.trim() ?? '';
}

/** Resolves with every event of `name` seen on `document` while `action` runs. */
export async function eventsDuring<T extends Event>(name: string, action: () => Promise<unknown>): Promise<T[]> {
  const seen: T[] = [];
  const record = (event: Event) => seen.push(event as T);
  document.addEventListener(name, record);
  try {
    await action();
  } finally {
    document.removeEventListener(name, record);
  }
  return seen;
}

/** Starts a call behind the page's back, as another device or an old tab would. */
export async function startCallElsewhere(customerNumber: string, agentNumber = ASHA): Promise<void> {
  const response = await fetch(TEST_ROUTES.proxy, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ customer_number: customerNumber, user_number: agentNumber, call_action: 'START' }),
  });
  if (!response.ok) throw new Error(`could not start a call elsewhere: HTTP ${response.status}`);
}
