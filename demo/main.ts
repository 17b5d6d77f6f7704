import '../src/index.js';
import type { SuperfoneCallButton, SuperfoneCallEventName } from '../src/index.js';
import { formatForDisplay } from '../src/phone-number.js';
import type { SimulatorSnapshot } from '../src/simulator/simulator.js';
import { DEMO_CONTACTS } from './contacts.js';

const SIMULATOR_STATE_URL = '/__superfone-simulator/state';
const SIMULATOR_FAULT_URL = '/__superfone-simulator/fault';
const POLL_MS = 600;

const agentPicker = document.querySelector<HTMLSelectElement>('#agent')!;
const contactRows = document.querySelector<HTMLTableSectionElement>('#contacts')!;
const eventLog = document.querySelector<HTMLOListElement>('#event-log')!;
const phoneScreen = document.querySelector<HTMLDivElement>('#phone-screen')!;
const notificationList = document.querySelector<HTMLOListElement>('#notifications')!;
const faultPicker = document.querySelector<HTMLLabelElement>('#fault-picker')!;
const faultSelect = document.querySelector<HTMLSelectElement>('#fault')!;

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
    button.agentNumber = agentPicker.value;
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
  const names: SuperfoneCallEventName[] = ['superfone-call-start', 'superfone-call-started', 'superfone-call-ended', 'superfone-call-error'];
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
  notificationList.replaceChildren(
    ...snapshot.notifications
      .slice(-6)
      .reverse()
      .map((note) =>
        element(
          'li',
          `#${note.notificationId} ${note.action} ${formatForDisplay(note.customerNumber)} → ${formatForDisplay(note.agentNumber)} ${note.sentSuccess ? 'delivered' : 'not delivered (app offline)'}`,
        ),
      ),
  );
}

async function pollSimulator(): Promise<void> {
  try {
    const response = await fetch(SIMULATOR_STATE_URL);
    if (response.status === 404) {
      phoneScreen.textContent = 'Connected to the real Superfone API: watch the agent’s phone.';
      return;
    }
    faultPicker.hidden = false;
    renderPhone((await response.json()) as SimulatorSnapshot);
  } catch {
    phoneScreen.textContent = 'The dev server is not answering.';
  }
  setTimeout(pollSimulator, POLL_MS);
}

agentPicker.addEventListener('change', () => {
  for (const button of document.querySelectorAll<SuperfoneCallButton>('superfone-call-button')) {
    button.agentNumber = agentPicker.value;
  }
});

faultSelect.addEventListener('change', async () => {
  const kind = faultSelect.value || null;
  const body = kind === 'slow' ? { kind, delayMs: 2000 } : kind === 'rate-limit' ? { kind, retryAfterSeconds: 20 } : { kind };
  await fetch(SIMULATOR_FAULT_URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
});

renderContacts();
watchEvents();
void pollSimulator();
