import '../src/index.js';

import type { SuperfoneCallEventName, SuperfoneClickToCall } from '../src/index.js';
import { formatForDisplay } from '../src/shared/phone-number.js';
import type { SimulatorSnapshot } from '../src/simulator/simulator.js';
import { DEMO_CONTACTS } from './contacts.js';

const SIMULATOR_STATE_URL = '/__superfone-simulator/state';
const SIMULATOR_FAULT_URL = '/__superfone-simulator/fault';
const SIMULATOR_OUTCOME_URL = '/__superfone-simulator/outcome';

/** How the simulated customer behaves, as the "The customer" picker offers it. */
const OUTCOMES: Record<string, Record<string, unknown>> = {
  'hangs-up': { kind: 'answered', answerAfterMs: 2_000, talkMs: 7_000 },
  stays: { kind: 'answered', answerAfterMs: 2_000, talkMs: null },
  missed: { kind: 'missed', ringMs: 6_000 },
  busy: { kind: 'busy', afterMs: 1_500 },
  'never-dialed': { kind: 'never-dialed' },
};
const POLL_MS = 600;

const crm = document.querySelector<SuperfoneClickToCall>('#crm')!;
const agentPicker = document.querySelector<HTMLSelectElement>('#agent')!;
const leadRows = document.querySelector<HTMLTableSectionElement>('#leads')!;
const loadLeads = document.querySelector<HTMLButtonElement>('#load-leads')!;
const contactRows = document.querySelector<HTMLTableSectionElement>('#contacts')!;
const eventLog = document.querySelector<HTMLOListElement>('#event-log')!;
const phoneScreen = document.querySelector<HTMLDivElement>('#phone-screen')!;
const notificationList = document.querySelector<HTMLOListElement>('#notifications')!;
const faultPicker = document.querySelector<HTMLLabelElement>('#fault-picker')!;
const faultSelect = document.querySelector<HTMLSelectElement>('#fault')!;
const outcomePicker = document.querySelector<HTMLLabelElement>('#outcome-picker')!;
const outcomeSelect = document.querySelector<HTMLSelectElement>('#outcome')!;
const languagePicker = document.querySelector<HTMLSelectElement>('#language')!;

// The controls speak the page's language: switching <html lang> is all a CRM has to do.
// `?lang=hi` opens the demo in Hindi.
function useLanguage(lang: string): void {
  document.documentElement.lang = lang;
  languagePicker.value = lang;
}
useLanguage(new URLSearchParams(location.search).get('lang') === 'hi' ? 'hi' : 'en');
languagePicker.addEventListener('change', () => useLanguage(languagePicker.value));

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', className = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function renderContacts(): void {
  for (const contact of DEMO_CONTACTS) {
    const row = element('tr');
    row.dataset.doNotCall = String(Boolean(contact.doNotCall));
    const nameCell = element('td', contact.name);
    if (contact.doNotCall) nameCell.append(' ', element('span', 'Do not call', 'badge'));
    const button = element('superfone-call-button');
    button.customerNumber = contact.phone;
    const callCell = element('td');
    callCell.append(button);
    row.append(nameCell, element('td', contact.company), element('td', contact.phone, 'recorded-number'), callCell);
    contactRows.append(row);
  }
}

function logEvent(name: string, detail: unknown, note = ''): void {
  const item = element('li');
  item.append(element('time', new Date().toLocaleTimeString()), ' ', element('strong', name));
  if (note) item.append(' ', element('em', note));
  item.append(element('code', JSON.stringify(detail)));
  eventLog.prepend(item);
  while (eventLog.children.length > 30) eventLog.lastElementChild!.remove();
}

function watchEvents(): void {
  const names: SuperfoneCallEventName[] = [
    'superfone-call-start',
    'superfone-call-started',
    'superfone-call-ended',
    'superfone-call-completed',
    'superfone-call-recording',
    'superfone-call-summary',
    'superfone-call-error',
  ];
  // A page-level consent rule: one listener on document vetoes calls to do-not-call rows.
  document.addEventListener('superfone-call-start', (event) => {
    const row = (event.target as Element).closest('tr');
    if (row?.dataset.doNotCall === 'true') event.preventDefault();
  });
  for (const name of names) {
    // Registered after the veto listener, so defaultPrevented is already known here.
    document.addEventListener(name, (event) => {
      logEvent(name, event.detail, event.defaultPrevented ? 'vetoed by the page: do not call' : '');
    });
  }
}

function renderPhone(snapshot: SimulatorSnapshot): void {
  const agent = snapshot.agents.find((candidate) => candidate.number === agentPicker.value);
  phoneScreen.replaceChildren();
  if (!agent) {
    phoneScreen.append(element('span', 'This number is not a Superfone team member: calls fail with “not set up for Dashboard Calling”.', 'muted'));
  } else if (!agent.appOnline) {
    phoneScreen.append(element('span', `${agent.name}: app offline, notifications do not arrive.`, 'muted'));
  } else if (agent.activeCall) {
    phoneScreen.append(element('span', 'On a call with ', 'calling'), element('strong', formatForDisplay(agent.activeCall)));
  } else {
    phoneScreen.append(element('span', `${agent.name}: idle, waiting for a call request.`));
  }
  const requests = snapshot.notifications.map((note) => ({
    at: Date.parse(note.time),
    text: `#${note.notificationId} ${note.action} ${formatForDisplay(note.customerNumber)} → ${formatForDisplay(note.agentNumber)} ${note.sentSuccess ? 'delivered' : 'not delivered (app offline)'}`,
  }));
  // What Superfone's event notifications reported back to the proxy's webhook.
  const reports = snapshot.deliveries.map(({ time, event, payload, status }) => {
    const customer = formatForDisplay(String(payload.cdr_phone));
    // A record says how the call went; the recording and the summary come after it.
    const what = payload.cdr_disposition === undefined ? customer : `${String(payload.cdr_disposition)} ${customer}, ${String(payload.cdr_duration)} s`;
    return { at: Date.parse(time), text: `${event} ${what} → webhook ${status ?? 'unreachable'}` };
  });
  notificationList.replaceChildren(
    ...[...requests, ...reports]
      .sort((a, b) => b.at - a.at)
      .slice(0, 6)
      .map((entry) => element('li', entry.text)),
  );
}

async function pollSimulator(): Promise<void> {
  try {
    const response = await fetch(SIMULATOR_STATE_URL);
    if (response.status === 404) {
      phoneScreen.textContent = 'Connected to the real Superfone API: watch the agent’s phone.';
      return;
    }
    if (faultPicker.hidden) {
      faultPicker.hidden = false;
      outcomePicker.hidden = false;
      await chooseOutcome();
    }
    renderPhone((await response.json()) as SimulatorSnapshot);
  } catch {
    phoneScreen.textContent = 'The dev server is not answering.';
  }
  setTimeout(pollSimulator, POLL_MS);
}

// The scope carries the agent for every control inside it, detected numbers included.
agentPicker.addEventListener('change', () => {
  crm.agentNumber = agentPicker.value;
});

/** A widget with its own open shadow root, as CRM plug-ins often are. */
class DemoLegacyCard extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML =
      '<style>p{margin:.5rem 0;padding:.5rem;border:1px dashed #8c959f;border-radius:6px}</style>' + '<p>Legacy widget (shadow DOM): escalation desk 022-2345 6789</p>';
  }
}
customElements.define('demo-legacy-card', DemoLegacyCard);

const LEADS: Array<[string, string, string]> = [
  ['Deepak Joshi', '99000 23456', '2024-03-15'],
  ['Sara Thomas', '+91 70220 33445', '16/03/2024'],
  ['Imran Khan', '0484 234 5678', '17.03.2024'],
];
let leadsLoaded = 0;

// Stands in for a framework rendering rows after a fetch: plain text, no tags around numbers.
loadLeads.addEventListener('click', () => {
  const [name, phone, created] = LEADS[leadsLoaded % LEADS.length]!;
  leadsLoaded += 1;
  const row = element('tr');
  row.append(element('td', `${name} (${leadsLoaded})`), element('td', phone), element('td', created));
  leadRows.append(row);
});

async function chooseOutcome(): Promise<void> {
  const outcome = OUTCOMES[outcomeSelect.value] ?? OUTCOMES['hangs-up']!;
  await fetch(SIMULATOR_OUTCOME_URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(outcome) });
}
outcomeSelect.addEventListener('change', () => void chooseOutcome());

faultSelect.addEventListener('change', async () => {
  const kind = faultSelect.value || null;
  const body = kind === 'slow' ? { kind, delayMs: 2000 } : kind === 'rate-limit' ? { kind, retryAfterSeconds: 20 } : { kind };
  await fetch(SIMULATOR_FAULT_URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
});

renderContacts();
watchEvents();
void pollSimulator();
