import { html, LitElement, nothing, type PropertyValues, svg, type TemplateResult } from 'lit';

import { callButtonStyles } from './call-button.styles.js';
import { CallSession, type ControlInternals } from './call-session.js';
import { callingChunk, displayNumber, loadCallingChunk, loadCallingChunkWhenIdle, whenCallingChunkLoads } from './calling-chunk-loader.js';
import { routeClick } from './click-routing.js';
import { ControlSettings } from './control-settings.js';
import { ControlWords } from './control-words.js';
import { loadCatalogue, type MessageOverrides } from './messages.js';
import type { Readiness } from './number-check.js';
import { PageControls } from './page-controls.js';
import { watchLanguage } from './page-language.js';
import { consumeScopeSettings, defineElement, durationSetting, textSetting, tokenSetting, type TokenSource } from './scope-context.js';
import { type CallState, type ControlView, viewOf } from './view/call-view.js';

export type { CallState } from './view/call-view.js';

/**
 * On links detection made (its `DETECTED`): a slotted link with it is the control's own to
 * name. Written again here, not imported: an import between the element and detection's
 * lazy chunk makes esbuild split a shared chunk, ~250 bytes more on every page.
 */
const DETECTED_ATTRIBUTE = 'data-superfone-detected';

const phoneIcon = svg`
  <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path
      d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1
        1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"
    />
  </svg>
`;
const spinner = html`<span class="spinner" aria-hidden="true"></span>`;
/**
 * The End drawing comes with the calling chunk (calling-chunk.ts): nothing ends a call before
 * its numbers were checked, and no page pays for it up front.
 */
const hangUpIcon = () => callingChunk()?.hangUpIcon ?? nothing;

/** The visible message, or nothing: most controls have none. */
type MessagePart = TemplateResult | typeof nothing;

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
 * @fires superfone-call-ended - The call ended: the proxy confirmed an END, or Superfone reported the call over (`detail.reason` `completed` or `missed`).
 * @fires superfone-call-completed - Superfone's record of the call arrived (status, duration, recording), also after End was clicked; needs the proxy's `webhookSecret`.
 * @fires superfone-call-recording - Superfone reported the call's recording, after `superfone-call-completed`: `{ callId, recordingUrl, expiresAt }`.
 * @fires superfone-call-summary - Superfone's AI summary or transcript of the call is ready, after `superfone-call-completed`: `{ callId, summary, transcript }`.
 * @fires superfone-call-error - A START or END failed; `detail.message` says what to do.
 *
 * @slot - With `inline`: the number's own text (or a `tel:` link), which becomes the control. Without: not shown (a page's no-script fallback, say).
 *
 * @csspart button - Every button.
 * @csspart start - The Call button (idle, or retry after a failed START).
 * @csspart end - The End call button.
 * @csspart busy - The button while a request is in flight.
 * @csspart number - With `inline`: the number's text as a control.
 * @csspart message - The visible error, busy or invalid-number message, or how the last call went.
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
  // Declared here, not with decorators: their helpers would weigh on every page. Lit wraps
  // the settings' own accessors as it would its own.
  static override properties = {
    customerNumber: { attribute: 'customer-number' },
    agentNumber: { attribute: 'agent-number' },
    defaultCountry: { attribute: 'default-country' },
    proxyUrl: { attribute: 'proxy-url' },
    maxDuration: { attribute: 'max-duration', type: Number },
    disabled: { type: Boolean, reflect: true },
    inline: { type: Boolean, reflect: true },
    messages: { attribute: false },
    // The page's name for the control, passed to the inner control (as Material Web does): a change re-renders.
    ariaLabel: { attribute: 'aria-label' },
  };

  /** Registers the element under `tagName` unless something already did. */
  static define(tagName = 'superfone-call-button', registry: CustomElementRegistry = customElements): void {
    defineElement(tagName, this, registry);
  }

  /** The numbers as last checked; `null` until number handling has loaded. */
  #readiness: Readiness | null = null;
  /** Its language, and the one choice of its words (./control-words.ts). */
  readonly #words = new ControlWords();
  /** Its own settings, over its scope's, over the defaults. */
  readonly #settings = new ControlSettings();
  /** The call: its requests (./call-session.ts), which make its following and time limit with the first call. The element renders and routes clicks. */
  readonly #session = new CallSession(this, SuperfoneCallButton.#internals);

  /** What the session reads of a control that the page does not see (./call-session.ts): one object for all. */
  static readonly #internals: ControlInternals<SuperfoneCallButton> = {
    readiness: (control) => control.#readiness,
    words: (control) => control.#words.all(control.#settings.scope?.messages, control.messages),
    language: (control) => control.#words.language,
    checkNumbers: async (control) => {
      await Promise.all([loadCallingChunk(), loadCatalogue(control.#words.language)]);
      control.#checkNumbers();
    },
  };

  /**
   * Words to use instead of the language's own, for this control: any keys of
   * `CallButtonMessages`, over the scope's `messages`, over the catalogue.
   */
  messages: MessageOverrides | null = null;

  /** The customer's number as the page has it; normalized to E.164. */
  customerNumber = '';

  /** The agent's number; inherited from the scope when unset; `null` when the server binds the agent. */
  get agentNumber(): string | null {
    return this.#settings.value.agentNumber;
  }
  set agentNumber(value: string | null) {
    this.#settings.set({ agentNumber: textSetting(value) });
  }

  /** ISO 3166-1 alpha-2 region for numbers written without a country code. Inherited; default `IN`. */
  get defaultCountry(): string {
    return this.#settings.value.defaultCountry;
  }
  set defaultCountry(value: string | null) {
    this.#settings.set({ defaultCountry: textSetting(value) });
  }

  /** Where the element POSTs call requests. Inherited; default `/api/superfone/call`. */
  get proxyUrl(): string {
    return this.#settings.value.proxyUrl;
  }
  set proxyUrl(value: string | null) {
    this.#settings.set({ proxyUrl: textSetting(value) });
  }

  /** Seconds after which an active call is ended automatically. Inherited; default none. */
  get maxDuration(): number | null {
    return this.#settings.value.maxDuration;
  }
  set maxDuration(value: number | null) {
    this.#settings.set({ maxDuration: durationSetting(value) });
  }

  /**
   * Where this control gets the sign-in token its proxy asks for (`auth`): a function
   * returning the token or a promise of it. Inherited from the scope; a property only.
   */
  get getToken(): TokenSource | null {
    return this.#settings.value.getToken;
  }
  set getToken(value: TokenSource | null) {
    this.#settings.set({ getToken: tokenSetting(value) });
  }

  /** Stops new calls from starting. An active call can always be ended. */
  disabled = false;

  /** Renders the slotted number (or `tel:` link) as the control, styled by the page. */
  inline = false;

  /** `idle`, `starting`, `active`, `ending` or `error`; reflected, set by the element only. */
  get state(): CallState {
    return this.#session.state;
  }

  /** True when the numbers cannot be normalized; the Call control then says why. False until they have been checked. */
  get invalid(): boolean {
    return this.#readiness?.ok === false;
  }

  constructor() {
    super();
    // The scope's settings, a reactive property of the control's ('scope'): a change re-checks the numbers.
    consumeScopeSettings(this, 'scope', (settings) => (this.#settings.scope = settings));
    this.addEventListener('click', SuperfoneCallButton.#clicked);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const has = (name: string) => changed.has(name as keyof SuperfoneCallButton);
    if (has('customerNumber') || has('agentNumber') || has('defaultCountry') || has('proxyUrl') || has('scope')) this.#checkNumbers();
  }

  #checkNumbers(): void {
    this.#readiness = callingChunk()?.checkNumbers(this.customerNumber, this.agentNumber, this.defaultCountry) ?? null;
    this.#session.sync();
    this.requestUpdate();
  }

  /** The controls in the page, told together when number handling loads and when the page's language changes. */
  static #page = new PageControls<SuperfoneCallButton>((forEach) => {
    whenCallingChunkLoads(() => forEach((control) => control.#readiness || control.#checkNumbers()));
    watchLanguage(() => forEach((control) => control.#languageMayHaveChanged()));
  });

  override connectedCallback(): void {
    super.connectedCallback();
    SuperfoneCallButton.#page.add(this);
    this.#words.follow(this);
    // Connected after number handling loaded: checked now, as the others were when it did.
    if (!this.#readiness && callingChunk()) this.#checkNumbers();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    SuperfoneCallButton.#page.delete(this);
  }

  #languageMayHaveChanged(): void {
    this.#words.follow(this);
    this.requestUpdate();
  }

  /** Renders only once the words for what it shows are here: no flash of English on a Hindi page. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const loading = this.#words.wordsLoading(this.#readiness === null && this.#session.state === 'idle');
    return loading ? loading.then(() => super.scheduleUpdate()) : super.scheduleUpdate();
  }

  protected override firstUpdated(): void {
    loadCallingChunkWhenIdle();
  }

  protected override updated(): void {
    this.setAttribute('state', this.#session.state);
    this.toggleAttribute('invalid', this.invalid);
    this.toggleAttribute('agent-busy', this.#session.busyWith !== null);
    const mark = this.#detectedMark();
    if (mark) this.#nameMark(mark);
  }

  /**
   * A mark detection made is ours, and the control: it is named for the action ("End call
   * with …" while the call is on) and described by the message, which it cannot point to
   * in this shadow root. A page's own link is never written to (see #renderInline).
   */
  #nameMark(mark: HTMLAnchorElement): void {
    const { name, message } = this.#view();
    mark.setAttribute('aria-label', name);
    if (message) mark.setAttribute('aria-description', message);
    else mark.removeAttribute('aria-description');
  }

  #detectedMark(): HTMLAnchorElement | null {
    const link = this.#slottedLink();
    return link?.hasAttribute(DETECTED_ATTRIBUTE) ? link : null;
  }

  /** Asks the agent's app to call the customer. Resolves when the proxy has answered. */
  start(): Promise<void> {
    return this.#session.start();
  }

  /** Asks the agent's app to end this element's call. Resolves when the proxy has answered. */
  end(): Promise<void> {
    return this.#session.end('program');
  }

  #slottedLink(): HTMLAnchorElement | null {
    return this.inline ? this.querySelector<HTMLAnchorElement>(':scope > a[href]') : null;
  }

  /** One listener function for every control (a listener's `this` is its element): none made per control. */
  static #clicked = function (this: HTMLElement, event: MouseEvent): void {
    const control = this as SuperfoneCallButton;
    routeClick(event, { renderRoot: control.renderRoot, link: control.#slottedLink(), second: () => control.#view().second }, control.#session);
  };

  /** What the control shows and says now (./view/call-view.ts), from what it knows. */
  #view(): ControlView {
    return viewOf(this, this.#session, this.#readiness, this.#words.forRender(this.#settings.scope?.messages, this.messages), displayNumber);
  }

  /**
   * The Call button is its words alone: in a table of a thousand, a drawing in each cost more
   * than the rest of the control. Ending and waiting, which few controls show at once, have one.
   */
  #indicator(kind: 'start' | 'end' | 'busy'): TemplateResult | typeof nothing {
    return kind === 'busy' ? spinner : kind === 'end' ? hangUpIcon() : nothing;
  }

  // Written wrapped; every build takes the wrapping out (scripts/html-templates.mjs), so no
  // white space reaches running text. Clicks are the host's to handle (./click-routing.ts):
  // no listener, no class and no drawing per idle button, as a table of a thousand pays for each.
  #renderStandard({ kind, label, name, unavailable, second }: ControlView, message: MessagePart) {
    return html`
      <button
        part="button ${kind}"
        ?disabled=${this.disabled && kind === 'start'}
        aria-disabled=${kind === 'busy' || unavailable ? 'true' : 'false'}
        aria-label=${name}
        aria-describedby=${message === nothing ? nothing : 'message'}
      >
        ${kind === 'start' ? label : html`${this.#indicator(kind)}${label}`}
      </button>
      ${second ? html`<button part="button end">${hangUpIcon()}<span>${second.label}</span></button>` : nothing}
      ${message}
      <slot hidden></slot>
    `;
  }

  /**
   * Inline, the number is the control; a small drawing after it says it calls. After a
   * page's own link, which keeps its name ("Call Rahul"), the drawing says the call's state
   * ("Call in progress: activate to end it"), and the message follows as text.
   */
  #renderInline({ kind, name, unavailable, linkState }: ControlView, message: MessagePart) {
    const pageLink = this.#slottedLink() && !this.#detectedMark();
    const indicator = html`
      <span
        class="indicator ${kind}"
        role=${pageLink && linkState ? 'img' : nothing}
        aria-label=${pageLink && linkState ? linkState : nothing}
        aria-hidden=${pageLink && linkState ? nothing : 'true'}
      >
        ${kind === 'start' ? phoneIcon : this.#indicator(kind)}
      </span>
    `;
    if (this.#slottedLink()) return html`<slot></slot>${indicator}${message}`;
    return html`
      <button
        part="number ${kind}"
        class="inline ${kind}"
        aria-disabled=${kind === 'busy' || unavailable ? 'true' : 'false'}
        aria-label=${name}
        aria-describedby=${message === nothing ? nothing : 'message'}
      >
        <slot></slot>${indicator}
      </button>
      ${message}
    `;
  }

  override render() {
    const view = this.#view();
    // Only when there is one: most of a table's controls have none.
    const messagePart = view.message ? html`<span part="message" id="message" class="message ${view.error ? 'error' : 'info'}">${view.message}</span>` : nothing;
    return this.inline ? this.#renderInline(view, messagePart) : this.#renderStandard(view, messagePart);
  }
}
