import { expect, oneEvent } from '@open-wc/testing';

import { dispatchReports } from '../../src/element/call-reports.js';
import { dispatchCompleted } from '../../src/element/view/call-outcome.js';
import type { CallRecordingDetail, CallSummaryDetail } from '../../src/index.js';
import { callButton, primaryButton, simulator, until } from './helpers.js';

// After a call's record, Superfone reports its recording and its AI summary. The control that
// placed the call tells the page, once each, after `superfone-call-completed`; the real
// simulator sends both reports to the real proxy, which streams them to the page.
const NAMES = ['superfone-call-completed', 'superfone-call-recording', 'superfone-call-summary'];

function recordEvents() {
  const seen: Array<{ type: string; detail: any; target: EventTarget | null }> = [];
  const record = (event: Event) => seen.push({ type: event.type, detail: (event as CustomEvent).detail, target: event.composedPath()[0] ?? null });
  for (const name of NAMES) document.addEventListener(name, record);
  return { seen, of: (type: string) => seen.filter((event) => event.type === type), stop: () => NAMES.forEach((name) => document.removeEventListener(name, record)) };
}

describe('pages hear the recording and the summary of the calls they placed', () => {
  let events: ReturnType<typeof recordEvents>;
  beforeEach(() => {
    events = recordEvents();
    return simulator.reset();
  });
  afterEach(async () => {
    events.stop();
    await simulator.reset();
  });

  it('completed, then the recording, then the summary: each once, from the control, with the call’s id, numbers, link and text', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: 300 });
    await simulator.reports({ recordingAfterMs: 300, summaryAfterMs: 700 });
    const element = await callButton('+918000000301');
    const started = oneEvent(element, 'superfone-call-started');
    primaryButton(element).click();
    const startedId = (await started).detail.callId;
    expect(startedId).to.match(/^[A-Za-z0-9_-]{22}$/);
    await until(() => events.of('superfone-call-summary').length === 1, 'the summary', 8_000);
    // Nothing comes twice, however long the stream stays open.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.seen.map((event) => event.type)).to.deep.equal(NAMES);
    const completed = events.of('superfone-call-completed')[0]!.detail;
    const recording = events.of('superfone-call-recording')[0]!;
    const detail = recording.detail as CallRecordingDetail;
    expect(recording.target, 'dispatched from the control that placed the call').to.equal(element);
    expect(detail.callId).to.equal(completed.callId);
    expect(detail.callId, 'the id superfone-call-started gave').to.equal(startedId);
    expect(detail.customerNumber).to.equal('+918000000301');
    expect(detail.agentNumber).to.equal('+919876543210');
    expect(detail.recordingUrl).to.match(/^https:\/\/recordings\.simulator\.invalid\/sim-cdr-\d+\.mp3\?X-Amz-Date=\d{8}T\d{6}Z&X-Amz-Expires=604800&/);
    // The simulator signs its links for 7 days from the call's end.
    const expires = Date.parse(detail.expiresAt!);
    expect(expires - Date.now()).to.be.within(7 * 86_400_000 - 120_000, 7 * 86_400_000 + 1_000);
    const summary = events.of('superfone-call-summary')[0]!.detail as CallSummaryDetail;
    expect(summary.callId).to.equal(completed.callId);
    expect(summary.summary).to.equal('The customer (+918000000301) asked for a quote and a call back tomorrow.');
    expect(summary.transcript).to.match(/^Agent: Hello/);
  });

  it('with the reports racing the record, 10 calls in a row: each call’s superfone-call-completed first, then its recording and its summary, once each', async function () {
    this.timeout(90_000);
    await simulator.outcome({ kind: 'answered', answerAfterMs: 0, talkMs: 50 });
    await simulator.reports({ recordingAfterMs: 0, summaryAfterMs: 0 });
    // Ten: a call whose record comes first has its reports asked for by GET, 5 s after the end, and the file must end within Web Test Runner's two minutes.
    for (let run = 0; run < 10; run++) {
      const element = await callButton(`+9180000004${String(run).padStart(2, '0')}`);
      const started = oneEvent(element, 'superfone-call-started');
      primaryButton(element).click();
      const { callId } = (await started).detail;
      const ofThisCall = () => events.seen.filter((event) => event.detail.callId === callId).map((event) => event.type);
      await until(() => ofThisCall().length === 3, `run ${run}: all three events`, 8_000);
      const order = ofThisCall();
      expect(order[0], `run ${run}: ${order.join(', ')}`).to.equal('superfone-call-completed');
      expect([...order.slice(1)].sort(), `run ${run}`).to.deep.equal(['superfone-call-recording', 'superfone-call-summary']);
      element.remove();
    }
    // Nothing came twice, however the deliveries were ordered.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.seen.length).to.equal(30);
  });

  it('after the end the page holds no stream open (six calls would use up a browser’s connections to the proxy) and asks by GET for the reports', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: 200 });
    await simulator.reports({ recordingAfterMs: 1_000, summaryAfterMs: 1_000 });
    const Saved = window.EventSource;
    const sources: EventSource[] = [];
    // Wrapped, not replaced: the real EventSource still streams; the test only keeps each one to read its state.
    window.EventSource = class extends Saved {
      constructor(...args: ConstructorParameters<typeof EventSource>) {
        super(...args);
        sources.push(this);
      }
    };
    try {
      const element = await callButton('+918000000305');
      primaryButton(element).click();
      await until(() => events.of('superfone-call-completed').length === 1, 'the record');
      expect(sources).to.have.length(1);
      expect(sources[0]!.readyState, 'closed once the end is heard').to.equal(EventSource.CLOSED);
      await until(() => events.of('superfone-call-summary').length === 1, 'the summary, asked for by GET', 8_000);
    } finally {
      window.EventSource = Saved;
    }
  });

  it('a control that left the page meanwhile (a re-rendered row): the reports reach document all the same', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: 200 });
    await simulator.reports({ recordingAfterMs: 600, summaryAfterMs: 600 });
    const element = await callButton('+918000000302');
    primaryButton(element).click();
    await until(() => events.of('superfone-call-completed').length === 1, 'the record');
    element.remove();
    await until(() => events.of('superfone-call-summary').length === 1 && events.of('superfone-call-recording').length === 1, 'both reports', 8_000);
    expect(events.of('superfone-call-recording')[0]!.target).to.equal(document);
  });

  it('reports heard before the page dispatched superfone-call-completed (an END still in flight) wait for it, then come once each', async () => {
    const host = document.body.appendChild(document.createElement('div'));
    try {
      const record = {
        cdrId: 'cdr-wait',
        customerNumber: '+918000000303',
        agentNumber: '+919876543210',
        status: 'answered',
        durationSec: 4,
        startedAt: null,
        answeredAt: null,
        endedAt: null,
        recordingUrl: null,
        direction: 'outbound',
        event: 'ALL_CALLS',
      } as const;
      const status = {
        callId: 'call-waits-for-completed',
        state: 'ended',
        version: 4,
        record,
        recording: { url: 'https://rec.example/r.mp3', expiresAt: null },
        summary: { text: 'Wants a demo.', transcript: null },
      } as const;
      dispatchReports(host, status);
      dispatchReports(host, status);
      expect(events.seen, 'nothing before the record').to.deep.equal([]);
      dispatchCompleted(host, {
        call: { callId: status.callId, customerNumber: record.customerNumber, agentNumber: record.agentNumber, notificationId: 7 },
        record,
        reason: 'completed',
      });
      dispatchReports(host, status);
      expect(events.seen.map((event) => event.type)).to.deep.equal(NAMES);
      expect(events.of('superfone-call-summary')[0]!.detail.summary).to.equal('Wants a demo.');
    } finally {
      host.remove();
    }
  });

  it('without reports (Superfone sends none, or the account has no recording), the page hears only superfone-call-completed', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: 100 });
    const element = await callButton('+918000000304');
    primaryButton(element).click();
    await until(() => events.of('superfone-call-completed').length === 1, 'the record');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(events.seen.map((event) => event.type)).to.deep.equal(['superfone-call-completed']);
  });
});
