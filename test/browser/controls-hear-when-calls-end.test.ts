import { expect, fixture, html } from '@open-wc/testing';

import { activeCalls, agentKeyFor } from '../../src/element/active-calls.js';
import type { CallCompletedDetail, CallEndedDetail, SuperfoneCallButton } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { announced, ASHA, callButton, primaryButton, simulator, until, VIKRAM, visibleMessage } from './helpers.js';

/** Every call event that reaches `document`, from now until `stop()`. */
function recordEvents() {
  const seen: Array<{ type: string; detail: any; target: EventTarget | null }> = [];
  const names = ['superfone-call-started', 'superfone-call-ended', 'superfone-call-completed'];
  const record = (event: Event) => seen.push({ type: event.type, detail: (event as CustomEvent).detail, target: event.target });
  for (const name of names) document.addEventListener(name, record);
  return {
    seen,
    of: (type: string) => seen.filter((event) => event.type === type),
    stop: () => names.forEach((name) => document.removeEventListener(name, record)),
  };
}

describe('controls hear when their calls really end (Superfone’s notifications, through the proxy)', () => {
  let events: ReturnType<typeof recordEvents>;
  beforeEach(() => {
    events = recordEvents();
    return simulator.reset();
  });
  afterEach(() => events.stop());

  it('active → completed: the control is idle again, says how long the call lasted, and the CRM gets the record', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 50, talkMs: 1_200 });
    const element = await callButton('+918000000101');
    primaryButton(element).click();
    await until(() => element.state === 'active', 'the call to start');
    expect(activeCalls().get(ASHA)?.callId).to.match(/^[A-Za-z0-9_-]{22}$/);
    await until(() => element.state === 'idle', 'the record to end the call');
    expect(visibleMessage(element)).to.equal('Call ended · 1 sec');
    expect(announced()).to.equal('Call ended · 1 sec');
    expect(primaryButton(element).textContent!.trim()).to.equal('Call');
    expect(activeCalls().get(ASHA), 'the agent is free again in every tab').to.equal(undefined);
    const ended = events.of('superfone-call-ended');
    expect(ended.map((event) => (event.detail as CallEndedDetail).reason)).to.deep.equal(['completed']);
    const [completed] = events.of('superfone-call-completed');
    const detail = completed!.detail as CallCompletedDetail;
    expect(detail.customerNumber).to.equal('+918000000101');
    expect(detail.agentNumber).to.equal(ASHA);
    expect(detail.record.status).to.equal('answered');
    expect(detail.record.durationSec).to.equal(1);
    expect(detail.record.customerNumber).to.equal('+918000000101');
    expect(detail.record.recordingUrl).to.match(/^https:\/\//);
    expect(detail.notificationId).to.equal(events.of('superfone-call-started')[0]!.detail.notificationId);
    expect(detail).not.to.have.nested.property('record.raw');
  });

  it('missed: "No answer", reason missed', async () => {
    await simulator.outcome({ kind: 'missed', ringMs: 300 });
    const element = await callButton('+918000000102');
    primaryButton(element).click();
    await until(() => events.of('superfone-call-completed').length === 1, 'the record');
    expect(element.state).to.equal('idle');
    expect(visibleMessage(element)).to.equal('No answer');
    expect(events.of('superfone-call-ended').map((event) => event.detail.reason)).to.deep.equal(['missed']);
    expect(events.of('superfone-call-completed')[0]!.detail.record.status).to.equal('missed');
  });

  it('End clicked first: one superfone-call-ended (user), then the record still arrives as superfone-call-completed', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: null });
    const element = await callButton('+918000000103');
    primaryButton(element).click();
    await until(() => element.state === 'active', 'the call to start');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await element.end();
    expect(element.state).to.equal('idle');
    await until(() => events.of('superfone-call-completed').length === 1, 'the record after End');
    expect(events.of('superfone-call-ended').map((event) => event.detail.reason)).to.deep.equal(['program']);
    const record = events.of('superfone-call-completed')[0]!.detail.record;
    expect(record.status).to.equal('answered');
    expect(record.durationSec).to.be.at.least(1);
    expect(visibleMessage(element)).to.match(/^Call ended · \d+ sec$/);
  });

  it('the record heard while the END is still in flight: once the END is answered, the control says how long the call lasted', async function () {
    this.timeout(20_000);
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: null });
    const element = await callButton('+918000000110');
    primaryButton(element).click();
    await until(() => element.state === 'active', 'the call to start');
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    // Superfone ends the call at once, and its record comes back while the END's answer is held up.
    await simulator.fault({ kind: 'slow', delayMs: 1_200 }, 1);
    // The record reaches the page within the END's 1.2 s; superfone-call-completed waits for the END's answer.
    await element.end();
    expect(element.state).to.equal('idle');
    expect(events.of('superfone-call-completed'), 'the record came while the END was in flight').to.have.length(1);
    expect(visibleMessage(element)).to.match(/^Call ended · [12] sec$/);
  });

  it('a record that comes 5 s after End is still awaited: superfone-call-completed arrives (a planted 2 s wait survived)', async function () {
    this.timeout(20_000);
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: null });
    await simulator.deliveries({ delayMs: 5_000 });
    const element = await callButton('+918000000104');
    primaryButton(element).click();
    await until(() => element.state === 'active', 'the call to start');
    await element.end();
    expect(element.state).to.equal('idle');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(events.of('superfone-call-completed')).to.have.length(0, 'not yet: the delivery is late');
    await until(() => events.of('superfone-call-completed').length === 1, 'the late record', 8_000);
    // Answered or not depends on whether the END beat the simulated answer on a busy machine: not the point here.
    expect(events.of('superfone-call-completed')[0]!.detail.record.customerNumber).to.equal('+918000000104');
  });

  it('a page reloaded mid-call catches up through the stored call id', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: 1_000 });
    const first = await callButton('+918000000104');
    primaryButton(first).click();
    await until(() => first.state === 'active', 'the call to start');
    // The page goes away; what survives a reload is localStorage.
    first.remove();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    activeCalls().reload();
    expect(activeCalls().get(ASHA), 'the record is still there: nobody was listening').to.not.equal(undefined);
    const reloaded = await callButton('+918000000104');
    await until(() => reloaded.state === 'idle' && events.of('superfone-call-completed').length === 1, 'the reloaded control to catch up');
    expect(visibleMessage(reloaded)).to.equal('Call ended · 1 sec');
    expect(activeCalls().get(ASHA)).to.equal(undefined);
  });

  it('another control showing the agent busy is free again when the record arrives', async () => {
    await simulator.outcome({ kind: 'missed', ringMs: 400 });
    const calling = await callButton('+918000000105');
    const other = await callButton('+918000000106');
    primaryButton(calling).click();
    await until(() => other.hasAttribute('agent-busy'), 'the other control to show the agent busy');
    await until(() => !other.hasAttribute('agent-busy'), 'the other control to be free');
    expect(primaryButton(other).getAttribute('aria-disabled')).to.equal('false');
  });

  it('one number shown twice: both controls go idle, the page hears of the end once, from the control that placed the call', async () => {
    await simulator.outcome({ kind: 'missed', ringMs: 300 });
    const placing = await callButton('+918000000109');
    const twin = await callButton('+918000000109');
    primaryButton(placing).click();
    await until(() => twin.state === 'active', 'the twin to adopt the call');
    await until(() => placing.state === 'idle' && twin.state === 'idle', 'both to hear the end');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events.of('superfone-call-ended').length).to.equal(1);
    expect(events.of('superfone-call-completed').length).to.equal(1);
    expect(events.of('superfone-call-completed')[0]!.target).to.equal(placing);
    expect(visibleMessage(twin)).to.equal('No answer');
  });

  it('detected numbers in <superfone-click-to-call detect> behave the same', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: 600 });
    const scope = await fixture(
      html`<superfone-click-to-call detect agent-number=${VIKRAM} proxy-url=${TEST_ROUTES.proxy}><p>Call Priya on 080000 00107 today</p></superfone-click-to-call>`,
    );
    await until(() => scope.querySelector('a[data-superfone-detected]') !== null, 'detection');
    // The agent clicks the number: it becomes a control, which places the call.
    scope.querySelector<HTMLAnchorElement>('a[data-superfone-detected]')!.click();
    const control = scope.querySelector('superfone-call-button') as SuperfoneCallButton;
    await until(() => control.state === 'active', 'the call to start');
    expect(control.state).to.equal('active');
    await until(() => control.state === 'idle', 'the record');
    expect(events.of('superfone-call-completed')[0]!.detail.record.agentNumber).to.equal(VIKRAM);
    expect(activeCalls().get(agentKeyFor(VIKRAM, TEST_ROUTES.proxy))).to.equal(undefined);
  });

  /** Follows a call with `EventSource` (and, with `noStreams`, `TextDecoderStream`) taken away; the URLs it fetched. */
  async function followedWithout(noStreams: boolean, customer: string): Promise<string[]> {
    await simulator.outcome({ kind: 'missed', ringMs: 100 });
    const saved = { EventSource: window.EventSource, TextDecoderStream: window.TextDecoderStream, fetch: window.fetch };
    const fetched: string[] = [];
    // Removed to stand for a host that cannot stream events (an extension's service worker; an old WebView).
    (window as { EventSource?: unknown }).EventSource = undefined;
    if (noStreams) (window as { TextDecoderStream?: unknown }).TextDecoderStream = undefined;
    window.fetch = (input, init) => (fetched.push(String(input)), saved.fetch.call(window, input, init));
    try {
      const element = await callButton(customer);
      await element.start();
      await until(() => element.state === 'idle', 'the call’s end to be heard', 8_000);
      expect(visibleMessage(element)).to.equal('No answer');
      return fetched;
    } finally {
      Object.assign(window, saved);
    }
  }

  it('without EventSource the control reads the same events from a streamed fetch, as an extension’s service worker must', async () => {
    const fetched = await followedWithout(false, '+918000000108');
    expect(fetched.filter((url) => url.endsWith('/events'))).to.have.length(1);
  });

  it('where nothing can stream, the control asks for its call’s status instead', async () => {
    const fetched = await followedWithout(true, '+918000000109');
    expect(fetched.filter((url) => url.endsWith('/events'))).to.deep.equal([]);
    expect(fetched.some((url) => /\/calls\/[^/]+$/.test(url))).to.equal(true);
  });
});
