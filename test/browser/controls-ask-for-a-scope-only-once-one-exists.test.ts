import { expect, fixture, html } from '@open-wc/testing';

import { type SuperfoneCallButton, SuperfoneClickToCall } from '../../src/index.js';
import { ASHA } from './helpers.js';

/**
 * Until a scope is on the page, controls send no context request (a table of a thousand
 * would send a thousand, for the document to keep). This file's page has had no scope
 * before this test: server-rendered markup whose scope tag is defined late must still
 * reach the controls that connected before it.
 */
describe('controls ask for their scope once one exists', () => {
  it('a scope defined after its controls rendered gives them its settings; a control outside keeps the defaults', async () => {
    const page = await fixture<HTMLElement>(html`<div>
      <late-scope agent-number=${ASHA} proxy-url="/late/call"><superfone-call-button customer-number="+918000000001"></superfone-call-button></late-scope>
      <superfone-call-button id="outside" customer-number="+918000000002"></superfone-call-button>
    </div>`);
    const [inside, outside] = [...page.querySelectorAll<SuperfoneCallButton>('superfone-call-button')];
    await inside!.updateComplete;
    expect(inside!.agentNumber, 'no scope yet').to.equal(null);
    class LateScope extends SuperfoneClickToCall {}
    LateScope.define('late-scope');
    await (page.querySelector('late-scope') as SuperfoneClickToCall).updateComplete;
    await inside!.updateComplete;
    expect([inside!.agentNumber, inside!.proxyUrl]).to.deep.equal([ASHA, '/late/call']);
    expect([outside!.agentNumber, outside!.proxyUrl]).to.deep.equal([null, '/api/superfone/call']);
  });
});
