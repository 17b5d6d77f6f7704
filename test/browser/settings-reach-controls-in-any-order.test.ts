import { expect, fixtureCleanup } from '@open-wc/testing';

import { type CallDetail, SuperfoneCallButton, SuperfoneClickToCall } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { ASHA, eventsDuring, simulator, VIKRAM } from './helpers.js';

/**
 * Server-rendered markup is parsed before any script runs, and the two tags may be defined
 * in either order. A tag can be defined once per page, so each test defines fresh
 * subclasses under fresh names, after its markup is already in the document.
 */
let serial = 0;
function freshTags() {
  serial += 1;
  const names = { button: `order-button-${serial}`, scope: `order-scope-${serial}` };
  return {
    ...names,
    defineButton: () => class extends SuperfoneCallButton {}.define(names.button),
    defineScope: () => class extends SuperfoneClickToCall {}.define(names.scope),
  };
}

let container: HTMLElement;
beforeEach(async () => {
  await simulator.reset();
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => {
  container.remove();
  fixtureCleanup();
});

/** Markup as a server sends it: parsed as HTML, declarative shadow roots included. */
function render(markup: string): void {
  container.setHTMLUnsafe(markup);
}

async function settled(...elements: Element[]): Promise<void> {
  for (let round = 0; round < 3; round++) {
    for (const element of elements) await (element as SuperfoneCallButton).updateComplete;
  }
}

async function startsWithScopeSettings(button: SuperfoneCallButton): Promise<void> {
  expect(button.agentNumber).to.equal(VIKRAM);
  expect(button.proxyUrl).to.equal(TEST_ROUTES.proxy);
  expect(button.defaultCountry).to.equal('GB');
  const [started] = await eventsDuring<CustomEvent<CallDetail>>('superfone-call-started', () => button.start());
  expect(started, 'the call started through the scope’s proxy').to.exist;
  expect(started!.detail.agentNumber).to.equal(VIKRAM);
  expect(started!.detail.customerNumber).to.equal('+442079460958');
}

const scopeAttributes = `agent-number="${VIKRAM}" proxy-url="${TEST_ROUTES.proxy}" default-country="GB"`;

describe('a control takes its scope’s settings whatever the order', () => {
  for (const order of ['button first', 'scope first'] as const) {
    it(`server-rendered markup, then the tags defined ${order}`, async () => {
      const tags = freshTags();
      render(`<${tags.scope} ${scopeAttributes}><p>Call <${tags.button} customer-number="020 7946 0958"></${tags.button}></p></${tags.scope}>`);
      if (order === 'button first') {
        tags.defineButton();
        tags.defineScope();
      } else {
        tags.defineScope();
        tags.defineButton();
      }
      const button = container.querySelector<SuperfoneCallButton>(tags.button)!;
      await settled(container.querySelector(tags.scope)!, button);
      await startsWithScopeSettings(button);
    });
  }

  it('the button defined, the scope defined only much later (its script loaded late)', async () => {
    const tags = freshTags();
    render(`<${tags.scope} ${scopeAttributes}><${tags.button} customer-number="020 7946 0958"></${tags.button}></${tags.scope}>`);
    tags.defineButton();
    const button = container.querySelector<SuperfoneCallButton>(tags.button)!;
    await button.updateComplete;
    expect(button.proxyUrl, 'no scope yet: the default').to.equal('/api/superfone/call');
    await new Promise((resolve) => setTimeout(resolve, 50));
    tags.defineScope();
    await settled(container.querySelector(tags.scope)!, button);
    await startsWithScopeSettings(button);
  });

  it('markup rendered after both are defined', async () => {
    const tags = freshTags();
    tags.defineButton();
    tags.defineScope();
    render(`<${tags.scope} ${scopeAttributes}><${tags.button} customer-number="020 7946 0958"></${tags.button}></${tags.scope}>`);
    const button = container.querySelector<SuperfoneCallButton>(tags.button)!;
    await settled(container.querySelector(tags.scope)!, button);
    await startsWithScopeSettings(button);
  });

  it('nested scopes in server-rendered markup: the nearest one wins, the outer fills the gaps', async () => {
    const tags = freshTags();
    render(`<${tags.scope} agent-number="${ASHA}" proxy-url="${TEST_ROUTES.proxy}" default-country="GB">
      <${tags.button} id="outer" customer-number="020 7946 0958"></${tags.button}>
      <${tags.scope} agent-number="${VIKRAM}"><${tags.button} id="inner" customer-number="020 7946 0958"></${tags.button}></${tags.scope}>
    </${tags.scope}>`);
    tags.defineButton();
    tags.defineScope();
    const outer = container.querySelector<SuperfoneCallButton>('#outer')!;
    const inner = container.querySelector<SuperfoneCallButton>('#inner')!;
    await settled(...container.querySelectorAll(tags.scope), outer, inner);
    expect(outer.agentNumber).to.equal(ASHA);
    await startsWithScopeSettings(inner);
  });

  it('a control inside an open shadow root (declarative, server-rendered) within the scope', async () => {
    const tags = freshTags();
    render(
      `<${tags.scope} ${scopeAttributes}><contact-card><template shadowrootmode="open"><${tags.button} customer-number="020 7946 0958"></${tags.button}></template></contact-card></${tags.scope}>`,
    );
    tags.defineButton();
    tags.defineScope();
    const button = container.querySelector('contact-card')!.shadowRoot!.querySelector<SuperfoneCallButton>(tags.button)!;
    await settled(container.querySelector(tags.scope)!, button);
    await startsWithScopeSettings(button);
  });

  it('a control moved into another scope takes that scope’s settings', async () => {
    const tags = freshTags();
    render(
      `<${tags.scope} id="a" agent-number="${ASHA}"><${tags.button} customer-number="020 7946 0958"></${tags.button}></${tags.scope}><${tags.scope} id="b" ${scopeAttributes}></${tags.scope}>`,
    );
    tags.defineButton();
    tags.defineScope();
    const button = container.querySelector<SuperfoneCallButton>(tags.button)!;
    await settled(button);
    expect(button.agentNumber).to.equal(ASHA);
    container.querySelector('#b')!.append(button);
    await settled(...container.querySelectorAll(tags.scope), button);
    await startsWithScopeSettings(button);
  });

  it('a setting changed on the scope later reaches every control, upgraded in either order', async () => {
    const tags = freshTags();
    render(
      `<${tags.scope} agent-number="${ASHA}" proxy-url="${TEST_ROUTES.proxy}" default-country="GB">${`<${tags.button} customer-number="020 7946 0958"></${tags.button}>`.repeat(3)}</${tags.scope}>`,
    );
    tags.defineButton();
    tags.defineScope();
    const scope = container.querySelector<SuperfoneClickToCall>(tags.scope)!;
    const buttons = [...container.querySelectorAll<SuperfoneCallButton>(tags.button)];
    scope.setAttribute('agent-number', VIKRAM);
    await settled(scope, ...buttons);
    expect(buttons.map((button) => button.agentNumber)).to.deep.equal([VIKRAM, VIKRAM, VIKRAM]);
    await startsWithScopeSettings(buttons[1]!);
  });

  it('an empty attribute on the control is “not set”: the scope’s value applies, for buttons and scopes alike', async () => {
    const tags = freshTags();
    render(
      `<${tags.scope} ${scopeAttributes}><${tags.scope} agent-number="" max-duration="0"><${tags.button} customer-number="020 7946 0958" agent-number="" proxy-url=" "></${tags.button}></${tags.scope}></${tags.scope}>`,
    );
    tags.defineButton();
    tags.defineScope();
    const button = container.querySelector<SuperfoneCallButton>(tags.button)!;
    await settled(...container.querySelectorAll(tags.scope), button);
    expect(button.maxDuration).to.equal(null);
    await startsWithScopeSettings(button);
  });
});
