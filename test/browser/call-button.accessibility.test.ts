import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';

import { announcer, callButton, MEERA_OFFLINE, primaryButton, simulator } from './helpers.js';

describe('accessibility (axe-core through chai-a11y-axe, in each state)', () => {
  beforeEach(() => simulator.reset());

  it('idle is accessible, with a name that says whom it calls', async () => {
    const element = await callButton('080000 00001');
    await expect(element).to.be.accessible();
    expect(primaryButton(element).getAttribute('aria-label')).to.equal('Call +91 80000 00001');
  });

  it('invalid is accessible and focusable, so a screen reader can hear why', async () => {
    const element = await callButton('12345');
    await expect(element).to.be.accessible();
    expect(primaryButton(element).disabled).to.equal(false);
    element.focus();
    expect(element.shadowRoot!.activeElement).to.equal(primaryButton(element));
  });

  it('active is accessible, and the End control is named for the call', async () => {
    const element = await callButton('+91 80000 00001');
    await element.start();
    await expect(element).to.be.accessible();
    expect(primaryButton(element).getAttribute('aria-label')).to.equal('End call with +91 80000 00001');
  });

  it('error is accessible, and the message describes the control', async () => {
    const element = await callButton('+91 80000 00001', { agentNumber: MEERA_OFFLINE });
    await element.start();
    await element.updateComplete;
    await expect(element).to.be.accessible();
    expect(primaryButton(element).getAttribute('aria-describedby')).to.equal('message');
  });

  it('busy keeps focus on the control and marks it aria-disabled', async () => {
    await simulator.fault({ kind: 'slow', delayMs: 500 });
    const element = await callButton('+91 80000 00001');
    element.focus();
    const pending = element.start();
    await element.updateComplete;
    expect(primaryButton(element).getAttribute('aria-disabled')).to.equal('true');
    expect(element.shadowRoot!.activeElement).to.equal(primaryButton(element));
    await expect(element).to.be.accessible();
    await pending;
  });

  it("announces state changes through the page's one polite live region, outside any shadow root", async () => {
    const element = await callButton('+91 80000 00001');
    const region = announcer();
    expect(region.getAttribute('role')).to.equal('status');
    expect(region.getAttribute('aria-live')).to.equal('polite');
    expect(region.getRootNode() === document, 'in the page, where every screen reader hears it').to.equal(true);
    expect(element.shadowRoot!.querySelector('[aria-live], [role="status"]') === null, 'no region of its own').to.equal(true);
    await element.start();
    await element.updateComplete;
    expect(region.textContent).to.contain('calling +91 80000 00001');
    const box = region.getBoundingClientRect();
    expect(box.width * box.height, 'not seen').to.be.at.most(1);
  });

  it('Tab reaches the control and the focus ring is visible', async () => {
    const element = await callButton('+91 80000 00001');
    const before = document.createElement('button');
    before.textContent = 'before';
    element.before(before);
    before.focus();
    await sendKeys({ press: 'Tab' });
    const button = primaryButton(element);
    expect(element.shadowRoot!.activeElement).to.equal(button);
    const outline = getComputedStyle(button);
    expect(outline.outlineStyle).to.equal('solid');
    expect(parseFloat(outline.outlineWidth)).to.be.at.least(2);
    before.remove();
  });
});
