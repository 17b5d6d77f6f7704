import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { callButtonStyles } from './call-button.styles.js';
import { sendCallRequest, type CallOutcome } from './call-client.js';
import { createCallEvent, type CallStartDetail } from './call-events.js';
import { formatForDisplay, isKnownCountry, normalizePhoneNumber } from './phone-number.js';
import { DEFAULT_PROXY_PATH, type CallAction, type CallRequestBody, type ErrorCode } from './protocol.js';

export type CallState = 'idle' | 'starting' | 'active' | 'ending' | 'error';

/** The normalized numbers to call, or why there are none, in words for the agent. */
type Readiness = { ok: true; call: CallStartDetail } | { ok: false; reason: string };

/** After these START failures the call may exist after all, so End stays on offer. */
const OUTCOME_UNKNOWN: ReadonlySet<ErrorCode> = new Set(['upstream_timeout', 'network_error']);

const phoneIcon = svg`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"/></svg>`;
const hangUpIcon = svg`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 9c-1.6 0-3.15.25-4.6.72v3.1a1 1 0 0 1-.56.9 11.5 11.5 0 0 0-2.66 1.85 1 1 0 0 1-1.4 0L.29 13.08a1 1 0 0 1 0-1.41A16.9 16.9 0 0 1 12 7a16.9 16.9 0 0 1 11.71 4.67 1 1 0 0 1 0 1.41l-2.49 2.49a1 1 0 0 1-1.4 0 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z"/></svg>`;

/**
 * A button that asks the agent's Superfone app to call a customer, and to end the call,
 * through a proxy that holds the API key.
 *
 * @tagname superfone-call-button
 * @summary Start and end a Superfone call from any page.
 *
 * @attr {'idle' | 'starting' | 'active' | 'ending' | 'error'} state - Reflected, set by the element only.
 * @attr {boolean} invalid - Reflected, set by the element when a number cannot be normalized.
 *
 * @fires superfone-call-start - Before a START is sent. Cancelable: `preventDefault()` vetoes the call.
 * @fires superfone-call-started - The proxy confirmed the notification reached the agent's app.
 * @fires superfone-call-ended - The proxy confirmed the END.
 * @fires superfone-call-error - A START or END failed; `detail.message` says what to do.
 *
 * @csspart base - The wrapper around the controls and the message.
 * @csspart button - Every button.
 * @csspart start - The Call button (idle, or retry after a failed START).
 * @csspart end - The End call button.
 * @csspart busy - The button while a request is in flight.
 * @csspart message - The visible error or invalid-number message.
 *
 * @cssproperty --superfone-call-button-start-background - Background of the Call button.
 * @cssproperty --superfone-call-button-end-background - Background of the End call button.
 * @cssproperty --superfone-call-button-busy-background - Background while a request is in flight.
 * @cssproperty --superfone-call-button-color - Text colour of the buttons.
 * @cssproperty --superfone-call-button-error-color - Colour of the error message.
 * @cssproperty --superfone-call-button-focus-ring - Colour of the keyboard focus ring.
 * @cssproperty --superfone-call-button-radius - Corner radius of the buttons.
 * @cssproperty --superfone-call-button-font-size - Font size of the control.
 */
export class SuperfoneCallButton extends LitElement {
  static override styles = callButtonStyles;
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** Registers the element under `tagName` unless something already did. */
  static define(tagName = 'superfone-call-button', registry: CustomElementRegistry = customElements): void {
    if (!registry.get(tagName)) registry.define(tagName, this);
  }

  /** The request in flight; there is at most one per element. */
  #controller: AbortController | null = null;
  /** The numbers of the call that exists, or may exist, so END reaches the same call. */
  #call: CallStartDetail | null = null;
  /** The action that failed, so "Try again" repeats it. */
  #failedAction: CallAction = 'START';
  #readiness: Readiness = { ok: false, reason: 'No customer number to call.' };

  @state() private callState: CallState = 'idle';
  @state() private errorMessage = '';
  @state() private announcement = '';

  /** The customer's number as the page has it; normalized to E.164. */
  @property({ attribute: 'customer-number' }) customerNumber = '';

  /** The agent's number; leave it out when the server binds the agent to the signed-in user. */
  @property({ attribute: 'agent-number' }) agentNumber: string | null = null;

  /** ISO 3166-1 alpha-2 region for numbers written without a country code. */
  @property({ attribute: 'default-country' }) defaultCountry = 'IN';

  /** Where the element POSTs call requests. */
  @property({ attribute: 'proxy-url' }) proxyUrl = DEFAULT_PROXY_PATH;

  /** Stops new calls from starting. An active call can always be ended. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** `idle`, `starting`, `active`, `ending` or `error`; reflected, set by the element only. */
  get state(): CallState {
    return this.callState;
  }

  /** True when the numbers cannot be normalized; the Call button then says why. */
  get invalid(): boolean {
    return !this.#readiness.ok;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A request nobody can see the answer to is not worth keeping open.
    this.#controller?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('customerNumber') || changed.has('agentNumber') || changed.has('defaultCountry')) {
      this.#readiness = this.#checkNumbers();
    }
  }

  protected override updated(): void {
    this.setAttribute('state', this.callState);
    this.toggleAttribute('invalid', this.invalid);
  }

  /** Asks the agent's app to call the customer. Resolves when the proxy has answered. */
  async start(): Promise<void> {
    if (this.#controller || this.disabled || this.#callCertain() || !this.#readiness.ok) return;
    const call = this.#readiness.call;
    const controller = new AbortController();
    this.#controller = controller;
    const allowed = this.dispatchEvent(createCallEvent('superfone-call-start', call, { cancelable: true }));
    if (!allowed) {
      this.#controller = null;
      return;
    }
    this.#enter('starting', `Calling ${formatForDisplay(call.customerNumber)}…`);
    const outcome = await this.#send('START', call, controller);
    if (!outcome) return this.#enter('idle', '');
    if (outcome.ok) {
      this.#call = call;
      this.#enter('active', `Your Superfone app is calling ${formatForDisplay(call.customerNumber)}.`);
      this.dispatchEvent(createCallEvent('superfone-call-started', { ...call, notificationId: outcome.notificationId }));
    } else {
      // Busy may be this element's own call from an earlier START of unknown outcome: keep End on offer.
      if (OUTCOME_UNKNOWN.has(outcome.code)) this.#call = call;
      else if (outcome.code !== 'agent_busy') this.#call = null;
      this.#fail('START', outcome);
    }
  }

  /** Asks the agent's app to end the call this element started. Resolves when the proxy has answered. */
  async end(): Promise<void> {
    const call = this.#call;
    if (this.#controller || !call) return;
    const controller = new AbortController();
    this.#controller = controller;
    const stateBefore = this.callState;
    this.#enter('ending', 'Ending the call…');
    const outcome = await this.#send('END', call, controller);
    if (!outcome) return this.#enter(stateBefore, '');
    if (outcome.ok) {
      this.#call = null;
      this.#enter('idle', 'Call ended.');
      this.dispatchEvent(createCallEvent('superfone-call-ended', { ...call, notificationId: outcome.notificationId }));
    } else {
      this.#fail('END', outcome);
    }
  }

  /** True while a call this element started exists for sure: then only End makes sense. */
  #callCertain(): boolean {
    return this.callState === 'active' || (this.callState === 'error' && this.#failedAction === 'END');
  }

  /** Sends one request; `undefined` when it was aborted because the element left the page. */
  async #send(action: CallAction, call: CallStartDetail, controller: AbortController): Promise<CallOutcome | undefined> {
    const body: CallRequestBody = { customer_number: call.customerNumber, call_action: action };
    if (call.agentNumber) body.user_number = call.agentNumber;
    try {
      return await sendCallRequest(this.proxyUrl, body, controller.signal);
    } catch {
      return undefined;
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  #fail(action: CallAction, outcome: Extract<CallOutcome, { ok: false }>): void {
    this.#failedAction = action;
    this.errorMessage = outcome.message;
    this.#enter('error', outcome.message);
    this.dispatchEvent(
      createCallEvent('superfone-call-error', {
        action,
        code: outcome.code,
        message: outcome.message,
        status: outcome.status,
      }),
    );
  }

  #enter(next: CallState, announcement: string): void {
    this.callState = next;
    if (next !== 'error') this.errorMessage = '';
    this.announcement = announcement;
  }

  #checkNumbers(): Readiness {
    const country = (this.defaultCountry || 'IN').toUpperCase();
    if (!isKnownCountry(country)) {
      return { ok: false, reason: `Unknown default-country “${this.defaultCountry}”; use a two-letter code such as IN.` };
    }
    const customer = normalizePhoneNumber(this.customerNumber, country);
    if (!customer.ok) {
      return customer.reason === 'empty'
        ? { ok: false, reason: 'No customer number to call.' }
        : { ok: false, reason: `“${this.customerNumber}” is not a valid phone number, so it cannot be called.` };
    }
    if (this.agentNumber === null || this.agentNumber.trim() === '') {
      return { ok: true, call: { customerNumber: customer.e164, agentNumber: null } };
    }
    const agent = normalizePhoneNumber(this.agentNumber, country);
    if (!agent.ok) {
      return { ok: false, reason: `The agent number “${this.agentNumber}” is not a valid phone number.` };
    }
    return { ok: true, call: { customerNumber: customer.e164, agentNumber: agent.e164 } };
  }

  #onPrimaryClick(): void {
    if (this.#callCertain()) {
      void this.end();
    } else if (this.callState === 'idle' || this.callState === 'error') {
      void this.start();
    }
  }

  /** What the main button is right now: its look, its visible label and its accessible name. */
  #primaryControl(): { kind: 'start' | 'end' | 'busy'; label: string; name: string } {
    const readiness = this.#readiness;
    const customer = formatForDisplay(this.#call?.customerNumber ?? (readiness.ok ? readiness.call.customerNumber : ''));
    switch (this.callState) {
      case 'starting':
        return { kind: 'busy', label: 'Calling…', name: `Calling ${customer}…` };
      case 'ending':
        return { kind: 'busy', label: 'Ending…', name: `Ending the call with ${customer}…` };
      case 'active':
        return { kind: 'end', label: 'End call', name: `End call with ${customer}` };
      case 'error':
        return this.#failedAction === 'END'
          ? { kind: 'end', label: 'End call', name: `End call with ${customer}` }
          : { kind: 'start', label: 'Try again', name: `Try again: call ${customer}` };
      case 'idle':
        return { kind: 'start', label: 'Call', name: readiness.ok ? `Call ${customer}` : 'Call' };
    }
  }

  #renderPrimary() {
    const { kind, label, name } = this.#primaryControl();
    const unavailable = kind === 'start' && !this.#readiness.ok;
    return html`<button
      part="button ${kind}"
      class=${kind}
      ?disabled=${this.disabled && kind === 'start'}
      aria-disabled=${kind === 'busy' || unavailable ? 'true' : 'false'}
      aria-label=${name}
      aria-describedby=${unavailable || this.callState === 'error' ? 'message' : nothing}
      @click=${this.#onPrimaryClick}
    >
      ${kind === 'busy' ? html`<span class="spinner" aria-hidden="true"></span>` : kind === 'end' ? hangUpIcon : phoneIcon}
      <span>${label}</span>
    </button>`;
  }

  override render() {
    const readiness = this.#readiness;
    const offerEnd = this.callState === 'error' && this.#failedAction === 'START' && this.#call !== null;
    const message = this.callState === 'error' ? this.errorMessage : readiness.ok ? '' : readiness.reason;
    return html`<span part="base" class="base">
      ${this.#renderPrimary()}
      ${offerEnd
        ? html`<button part="button end" class="end" @click=${() => void this.end()}>${hangUpIcon}<span>End call</span></button>`
        : nothing}
      <span part="message" id="message" class="message">${message}</span>
      <span role="status" aria-live="polite" class="visually-hidden">${this.announcement}</span>
    </span>`;
  }
}
