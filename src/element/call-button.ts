import { consume } from '@lit/context';
import { LitElement, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { activeCalls, agentKeyFor, type ActiveCallRecord } from './active-calls.js';
import { callButtonStyles } from './call-button.styles.js';
import { sendCallRequest, type CallOutcome } from './call-client.js';
import { createCallEvent, type CallEndReason, type CallStartDetail } from './call-events.js';
import { formatForDisplay, isKnownCountry, normalizePhoneNumber } from '../shared/phone-number.js';
import type { CallAction, CallRequestBody, ErrorCode } from '../shared/protocol.js';
import {
  attachContextRoot,
  durationSetting,
  effectiveSettings,
  inheritSettings,
  scopeContext,
  textSetting,
  UNSET,
  type ScopeSettings,
} from './scope-context.js';

export type CallState = 'idle' | 'starting' | 'active' | 'ending' | 'error';

/** The normalized numbers to call, or why there are none, in words for the agent. */
type Readiness = { ok: true; call: CallStartDetail; display: string } | { ok: false; reason: string };

/** A call this element can end: the numbers, and the proxy that started it. */
type KnownCall = CallStartDetail & { proxyUrl: string; notificationId: number | null };

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
 * @attr {boolean} agent-busy - Reflected, set by the element while the agent is on a call with someone else.
 *
 * @fires superfone-call-start - Before a START is sent. Cancelable: `preventDefault()` vetoes the call.
 * @fires superfone-call-started - The proxy confirmed the notification reached the agent's app.
 * @fires superfone-call-ended - The proxy confirmed the END; `detail.reason` says who ended it.
 * @fires superfone-call-error - A START or END failed; `detail.message` says what to do.
 *
 * @slot - With `inline`: the number's own text (or a `tel:` link), which becomes the control.
 *
 * @csspart base - The wrapper around the controls and the message.
 * @csspart button - Every button.
 * @csspart start - The Call button (idle, or retry after a failed START).
 * @csspart end - The End call button.
 * @csspart busy - The button while a request is in flight.
 * @csspart number - With `inline`: the number's text as a control.
 * @csspart message - The visible error, busy or invalid-number message.
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
    attachContextRoot();
    if (!registry.get(tagName)) registry.define(tagName, this);
  }

  /** The request in flight; there is at most one per element. */
  #controller: AbortController | null = null;
  /** The call that exists, or may exist, so END reaches the same call. */
  #call: KnownCall | null = null;
  /** The action that failed, so "Try again" repeats it. */
  #failedAction: CallAction = 'START';
  #readiness: Readiness = { ok: false, reason: 'No customer number to call.' };
  /** Settings set on this element; unset ones come from the scope, then the defaults. */
  #own: ScopeSettings = UNSET;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  readonly #onActiveCallsChange = () => this.#syncWithActiveCalls();

  @consume({ context: scopeContext, subscribe: true })
  @state()
  private scope?: ScopeSettings;

  @state() private callState: CallState = 'idle';
  @state() private errorMessage = '';
  @state() private announcement = '';
  /** The agent's call with another customer, when there is one. */
  @state() private busyWith: ActiveCallRecord | null = null;

  /** The customer's number as the page has it; normalized to E.164. */
  @property({ attribute: 'customer-number' }) customerNumber = '';

  /** The agent's number; inherited from the scope when unset; `null` when the server binds the agent. */
  @property({ attribute: 'agent-number' })
  get agentNumber(): string | null {
    return this.#settings().agentNumber;
  }
  set agentNumber(value: string | null) {
    this.#own = { ...this.#own, agentNumber: textSetting(value) };
  }

  /** ISO 3166-1 alpha-2 region for numbers written without a country code. Inherited; default `IN`. */
  @property({ attribute: 'default-country' })
  get defaultCountry(): string {
    return this.#settings().defaultCountry;
  }
  set defaultCountry(value: string | null) {
    this.#own = { ...this.#own, defaultCountry: textSetting(value) };
  }

  /** Where the element POSTs call requests. Inherited; default `/api/superfone/call`. */
  @property({ attribute: 'proxy-url' })
  get proxyUrl(): string {
    return this.#settings().proxyUrl;
  }
  set proxyUrl(value: string | null) {
    this.#own = { ...this.#own, proxyUrl: textSetting(value) };
  }

  /** Seconds after which an active call is ended automatically. Inherited; default none. */
  @property({ attribute: 'max-duration', type: Number })
  get maxDuration(): number | null {
    return this.#settings().maxDuration;
  }
  set maxDuration(value: number | null) {
    this.#own = { ...this.#own, maxDuration: durationSetting(value) };
  }

  /** Stops new calls from starting. An active call can always be ended. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Renders the slotted number (or `tel:` link) as the control, styled by the page. */
  @property({ type: Boolean, reflect: true }) inline = false;

  /** `idle`, `starting`, `active`, `ending` or `error`; reflected, set by the element only. */
  get state(): CallState {
    return this.callState;
  }

  /** True when the numbers cannot be normalized; the Call control then says why. */
  get invalid(): boolean {
    return !this.#readiness.ok;
  }

  constructor() {
    super();
    // A slotted tel: link is the control in inline mode; its clicks arrive here.
    this.addEventListener('click', (event) => this.#onLinkClick(event));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    activeCalls().addEventListener('change', this.#onActiveCallsChange);
    // Moved in the page (a re-sorted table): catch up on calls, and re-arm the time limit.
    if (this.hasUpdated) {
      this.#syncWithActiveCalls();
      if (this.callState === 'active') this.#scheduleDeadline();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    activeCalls().removeEventListener('change', this.#onActiveCallsChange);
    // A request nobody can see the answer to is not worth keeping open.
    this.#controller?.abort();
    clearTimeout(this.#deadline);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const numbersChanged = ['customerNumber', 'agentNumber', 'defaultCountry', 'proxyUrl', 'scope'].some((name) =>
      changed.has(name as keyof SuperfoneCallButton),
    );
    if (numbersChanged) {
      this.#readiness = this.#checkNumbers();
      this.#syncWithActiveCalls();
    }
  }

  protected override updated(): void {
    this.setAttribute('state', this.callState);
    this.toggleAttribute('invalid', this.invalid);
    this.toggleAttribute('agent-busy', this.busyWith !== null);
    if (this.inline) this.#slottedLink()?.setAttribute('aria-description', this.#primaryControl().name);
  }

  #settings() {
    return effectiveSettings(inheritSettings(this.#own, this.scope));
  }

  /** Asks the agent's app to call the customer. Resolves when the proxy has answered. */
  async start(): Promise<void> {
    if (this.#controller || this.disabled || this.busyWith || this.#callCertain() || !this.#readiness.ok) return;
    const { call, display } = this.#readiness;
    const proxyUrl = this.proxyUrl;
    const controller = new AbortController();
    this.#controller = controller;
    const allowed = this.dispatchEvent(createCallEvent('superfone-call-start', call, { cancelable: true }));
    if (!allowed) {
      this.#controller = null;
      return;
    }
    this.#enter('starting', `Calling ${display}…`);
    const outcome = await this.#send('START', { ...call, proxyUrl, notificationId: null }, controller);
    if (!outcome) return this.#enter('idle', '');
    if (outcome.ok) {
      const startedAt = Date.now();
      const maxDuration = this.maxDuration;
      this.#call = { ...call, proxyUrl, notificationId: outcome.notificationId };
      activeCalls().set({
        agentKey: agentKeyFor(call.agentNumber, proxyUrl),
        ...this.#call,
        notificationId: outcome.notificationId,
        startedAt,
        endsAt: maxDuration === null ? null : startedAt + maxDuration * 1000,
      });
      this.#becomeActive(`Your Superfone app is calling ${display}.`);
      this.dispatchEvent(createCallEvent('superfone-call-started', { ...call, notificationId: outcome.notificationId }));
    } else {
      // Busy may be this element's own call from an earlier START of unknown outcome: keep End on offer.
      if (OUTCOME_UNKNOWN.has(outcome.code)) this.#call = { ...call, proxyUrl, notificationId: null };
      else if (outcome.code !== 'agent_busy') this.#call = null;
      this.#fail('START', outcome);
    }
  }

  /** Asks the agent's app to end this element's call. Resolves when the proxy has answered. */
  end(): Promise<void> {
    return this.#end('program');
  }

  async #end(reason: CallEndReason, call: KnownCall | null = this.#call): Promise<void> {
    if (this.#controller || !call) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#call = call;
    const stateBefore = this.callState;
    this.#enter('ending', 'Ending the call…');
    const outcome = await this.#send('END', call, controller);
    if (!outcome) return this.#enter(stateBefore, '');
    if (outcome.ok) {
      this.#call = null;
      clearTimeout(this.#deadline);
      const record = activeCalls().get(agentKeyFor(call.agentNumber, call.proxyUrl));
      if (record) activeCalls().clear(record.agentKey, record.notificationId);
      this.#enter('idle', reason === 'max-duration' ? 'The call reached its time limit and was ended.' : 'Call ended.');
      const { customerNumber, agentNumber } = call;
      this.dispatchEvent(createCallEvent('superfone-call-ended', { customerNumber, agentNumber, notificationId: outcome.notificationId, reason }));
    } else {
      this.#fail('END', outcome);
    }
  }

  /** Sends one request; `undefined` when it was aborted because the element left the page. */
  async #send(action: CallAction, call: KnownCall, controller: AbortController): Promise<CallOutcome | undefined> {
    const body: CallRequestBody = { customer_number: call.customerNumber, call_action: action };
    if (call.agentNumber) body.user_number = call.agentNumber;
    try {
      return await sendCallRequest(call.proxyUrl, body, controller.signal);
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
      createCallEvent('superfone-call-error', { action, code: outcome.code, message: outcome.message, status: outcome.status }),
    );
  }

  #enter(next: CallState, announcement: string): void {
    this.callState = next;
    if (next !== 'error') this.errorMessage = '';
    this.announcement = announcement;
  }

  #becomeActive(announcement: string): void {
    this.#enter('active', announcement);
    this.#scheduleDeadline();
  }

  /** Ends the call at its `max-duration` deadline; across tabs, the first to get the lock sends END. */
  #scheduleDeadline(): void {
    clearTimeout(this.#deadline);
    const call = this.#call;
    if (!call) return;
    const record = activeCalls().get(agentKeyFor(call.agentNumber, call.proxyUrl));
    if (!record?.endsAt) return;
    this.#deadline = setTimeout(() => {
      const endOnce = async () => {
        const current = activeCalls().get(record.agentKey);
        if (current?.notificationId === record.notificationId && this.#call) await this.#end('max-duration');
      };
      if (navigator.locks) void navigator.locks.request(`superfone-call-button:end:${record.agentKey}`, endOnce);
      else void endOnce();
    }, Math.max(0, record.endsAt - Date.now()));
  }

  /**
   * Brings this control in line with the agent's known call: End where this customer is on
   * the call (after a reload too), busy where another customer is, idle once it has ended.
   */
  #syncWithActiveCalls(): void {
    if (!this.isConnected || !this.#readiness.ok || this.#controller) return;
    const { call: current, display } = this.#readiness;
    // The call this control started (or adopted) is followed even after the page rewrote
    // its number: End must still reach that call, not the number now in the attribute.
    const followed = this.#call ?? { ...current, proxyUrl: this.proxyUrl };
    const record = activeCalls().get(agentKeyFor(followed.agentNumber, followed.proxyUrl)) ?? null;
    const ours = record !== null && record.customerNumber === followed.customerNumber;
    this.busyWith = record && !ours ? record : null;
    if (ours && this.callState !== 'active') {
      const { customerNumber, agentNumber } = followed;
      this.#call = { customerNumber, agentNumber, proxyUrl: record.proxyUrl, notificationId: record.notificationId };
      this.#becomeActive(`On a call with ${customerNumber === current.customerNumber ? display : formatForDisplay(customerNumber)}.`);
    } else if (!ours && this.callState === 'active') {
      // Ended elsewhere: another control, another tab, or the time limit.
      this.#call = null;
      clearTimeout(this.#deadline);
      this.#enter('idle', 'Call ended.');
    }
  }


  #checkNumbers(): Readiness {
    const country = this.defaultCountry.toUpperCase();
    if (!isKnownCountry(country)) {
      return { ok: false, reason: `Unknown default-country “${this.defaultCountry}”; use a two-letter code such as IN.` };
    }
    const customer = normalizePhoneNumber(this.customerNumber, country);
    if (!customer.ok) {
      return customer.reason === 'empty'
        ? { ok: false, reason: 'No customer number to call.' }
        : { ok: false, reason: `“${this.customerNumber}” is not a valid phone number, so it cannot be called.` };
    }
    const agentNumber = this.agentNumber;
    const display = formatForDisplay(customer.e164);
    if (agentNumber === null) return { ok: true, call: { customerNumber: customer.e164, agentNumber: null }, display };
    const agent = normalizePhoneNumber(agentNumber, country);
    if (!agent.ok) return { ok: false, reason: `The agent number “${agentNumber}” is not a valid phone number.` };
    return { ok: true, call: { customerNumber: customer.e164, agentNumber: agent.e164 }, display };
  }

  /** True while a call this element started exists for sure: then only End makes sense. */
  #callCertain(): boolean {
    return this.callState === 'active' || (this.callState === 'error' && this.#failedAction === 'END');
  }

  #onPrimaryClick(): void {
    if (this.#callCertain()) void this.#end('user');
    else if (this.callState === 'idle' || this.callState === 'error') void this.start();
  }

  #endBusyCall(): void {
    const record = this.busyWith;
    if (!record) return;
    void this.#end('user', { ...record });
  }

  #slottedLink(): HTMLAnchorElement | null {
    return this.inline ? this.querySelector<HTMLAnchorElement>(':scope > a[href]') : null;
  }

  /** A plain click on a slotted tel: link calls through Superfone; a modifier-click keeps the browser's default. */
  #onLinkClick(event: MouseEvent): void {
    const link = this.#slottedLink();
    if (!link || !(event.target instanceof Node) || !link.contains(event.target)) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    this.#onPrimaryClick();
  }

  /** What the main control is right now: its look, its visible label and its accessible name. */
  #primaryControl(): { kind: 'start' | 'end' | 'busy'; label: string; name: string } {
    const readiness = this.#readiness;
    const sameCustomer = readiness.ok && (!this.#call || this.#call.customerNumber === readiness.call.customerNumber);
    // Inline, the name repeats the number as the page shows it, so what is seen is what is heard.
    const shown = this.inline && sameCustomer ? this.textContent?.trim() : '';
    const customer = shown || (sameCustomer && readiness.ok ? readiness.display : formatForDisplay(this.#call?.customerNumber ?? ''));
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

  /** The message to show, if any: an error, the agent's other call, or why the number is unusable. */
  #message(): string {
    if (this.callState === 'error') return this.errorMessage;
    if (!this.#readiness.ok) return this.#readiness.reason;
    if (this.busyWith && this.callState === 'idle') {
      return `On a call with ${formatForDisplay(this.busyWith.customerNumber)}: end it to call someone else.`;
    }
    return '';
  }

  #indicator(kind: 'start' | 'end' | 'busy'): TemplateResult {
    if (kind === 'busy') return html`<span class="spinner" aria-hidden="true"></span>`;
    return html`${kind === 'end' ? hangUpIcon : phoneIcon}`;
  }

  #renderStandard(message: string) {
    const { kind, label, name } = this.#primaryControl();
    const unavailable = kind === 'start' && (!this.#readiness.ok || (this.busyWith !== null && this.callState === 'idle'));
    const offerEnd = this.callState === 'error' && this.#failedAction === 'START' && this.#call !== null;
    const offerEndBusy = this.busyWith !== null && this.callState === 'idle';
    return html`<button
        part="button ${kind}"
        class=${kind}
        ?disabled=${this.disabled && kind === 'start'}
        aria-disabled=${kind === 'busy' || unavailable ? 'true' : 'false'}
        aria-label=${name}
        aria-describedby=${message ? 'message' : nothing}
        @click=${this.#onPrimaryClick}
      >
        ${this.#indicator(kind)}<span>${label}</span>
      </button>
      ${offerEnd
        ? html`<button part="button end" class="end" @click=${() => void this.#end('user')}>${hangUpIcon}<span>End call</span></button>`
        : nothing}
      ${offerEndBusy
        ? html`<button part="button end" class="end" @click=${this.#endBusyCall}>${hangUpIcon}<span>End current call</span></button>`
        : nothing}`;
  }

  #renderInline(message: string) {
    const { kind, name } = this.#primaryControl();
    const unavailable = kind === 'start' && (!this.#readiness.ok || this.busyWith !== null || this.disabled);
    if (this.#slottedLink()) {
      return html`<slot></slot><span class="indicator ${kind}" aria-hidden="true">${this.#indicator(kind)}</span>`;
    }
    return html`<button
      part="number ${kind}"
      class="inline ${kind}"
      aria-disabled=${kind === 'busy' || unavailable ? 'true' : 'false'}
      aria-label=${name}
      aria-describedby=${message ? 'message' : nothing}
      @click=${this.#onPrimaryClick}
    ><slot></slot><span class="indicator ${kind}">${this.#indicator(kind)}</span></button>`;
  }

  override render() {
    const message = this.#message();
    const controls = this.inline ? this.#renderInline(message) : this.#renderStandard(message);
    const messageClass = `message ${this.callState === 'error' || !this.#readiness.ok ? 'error' : 'info'}`;
    // No white space between the tags: in running text it would swallow the space after a
    // detected number in innerText and in copied text.
    return html`<span part="base" class="base">${controls}<span part="message" id="message" class=${messageClass}>${message}</span><span role="status" aria-live="polite" class="visually-hidden">${this.announcement}</span></span>`;
  }
}
