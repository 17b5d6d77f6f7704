import { ContextProvider } from '@lit/context';
import { css, html, LitElement, type PropertyValues } from 'lit';

import type { CallDetail } from '../element/call-events.js';
import { loadCallingChunk } from '../element/calling-chunk-loader.js';
import { catalogueLanguageOf, loadCatalogue, type MessageOverrides, wordsFor } from '../element/messages.js';
import { watchLanguage } from '../element/page-language.js';
import {
  type CallSettings,
  consumeScopeSettings,
  defineElement,
  durationSetting,
  inheritSettings,
  scopeAppeared,
  scopeContext,
  textSetting,
  tokenSetting,
  type TokenSource,
  UNSET,
} from '../element/scope-context.js';
import { DEFAULT_COUNTRY } from '../shared/defaults.js';
import type { CallsLeftWithoutAControl } from './calls-left-without-a-control.js';
import type { PageScanner } from './detection/page-scanner.js';

/**
 * Wraps CRM content and carries the settings every call control inside it shares. With
 * `detect`, it also turns the phone numbers in its text, and its `tel:`/`callto:` links,
 * into call controls; that code is fetched only then.
 *
 * @tagname superfone-click-to-call
 * @summary One place to configure click-to-call for a part of a page, and find numbers in it.
 *
 * @slot - The CRM content.
 * @csspart call-left - The control the scope shows for a call whose own control left the page mid-call.
 */
export class SuperfoneClickToCall extends LitElement {
  // Declared here, not with decorators: their helpers would weigh on every page.
  static override properties = {
    agentNumber: { attribute: 'agent-number' },
    proxyUrl: { attribute: 'proxy-url' },
    defaultCountry: { attribute: 'default-country' },
    maxDuration: { attribute: 'max-duration', type: Number },
    detect: { type: Boolean, reflect: true },
    ignore: {},
    shadowRoots: { attribute: 'shadow-roots' },
    messages: { attribute: false },
    getToken: { attribute: false },
  };

  static override styles = css`
    :host {
      display: contents;
    }
  `;

  static define(tagName = 'superfone-click-to-call', registry: CustomElementRegistry = customElements): void {
    defineElement(tagName, this, registry);
  }

  constructor() {
    super();
    consumeScopeSettings(this, 'parentSettings', (settings) => (this.parentSettings = settings));
  }

  #scanner: PageScanner | null = null;
  #scannerReady: Promise<void> = Promise.resolve();
  #detectionKey = '';

  /** An enclosing scope's settings: a nested scope inherits what it does not set. */
  private parentSettings?: CallSettings;

  /** What controls inside inherit (the controllers, not decorators: less code on every page). */
  protected settings: CallSettings = UNSET;
  readonly #provider = new ContextProvider(this, { context: scopeContext, initialValue: UNSET });

  /** The agent whose app places every call inside, unless a control names its own. */
  agentNumber: string | null = null;

  /** Where every control inside POSTs, unless it names its own. */
  proxyUrl: string | null = null;

  /** Region for numbers written without a country code, inside this scope. Default `IN`. */
  defaultCountry: string | null = null;

  /** Seconds after which calls started inside end automatically. */
  maxDuration: number | null = null;

  /** Marks the phone numbers in the content as `tel:` links, and makes those and the content's own `tel:` links place calls. */
  detect = false;

  /** Extra CSS selectors whose content detection leaves alone. */
  ignore = '';

  /** `open` (default) searches open shadow roots inside the scope; `none` does not. */
  shadowRoots: 'open' | 'none' = 'open';

  /** Words changed for every control inside (any keys of `CallButtonMessages`); a control's own `messages` win. */
  messages: MessageOverrides | null = null;

  /**
   * Where every control inside gets the sign-in token its proxy asks for (`auth`): a
   * function returning the token or a promise of it. A property only, never an attribute.
   */
  getToken: TokenSource | null = null;

  /** Calls placed from inside, kept reachable if their control leaves the page mid-call; made with the first call. */
  #callsLeft: CallsLeftWithoutAControl | null = null;

  readonly #onCallStarted = (event: Event): void => {
    // Read now: an event's path is gone once it has been dispatched.
    const path = event.composedPath();
    void import('./calls-left-without-a-control.js').then(({ CallsLeftWithoutAControl }) => {
      if (this.isConnected) (this.#callsLeft ??= new CallsLeftWithoutAControl(this)).placed(path, (event as CustomEvent<CallDetail>).detail);
    });
  };

  /** The catalogue detection names marks from, as the scope's `lang` says: set as it connects and when the page switches. */
  #language = 'en';
  #stopWatchingLanguage: (() => void) | null = null;

  /** A mark's name ("Call 98450 12345"): the scope's `messages` over its language's words. */
  #markName = (written: string): string => {
    const own = this.settings.messages;
    return own?.callNumber ? own.callNumber(written) : wordsFor(this.#language)!.callNumber(written);
  };

  /** Resolves once detection has processed everything on the page so far (at once without `detect`). */
  async scanComplete(): Promise<void> {
    await this.updateComplete;
    await this.#scannerReady;
    await this.#scanner?.whenIdle();
  }

  /** Counts from the running detection, or `null` without `detect`. */
  get scanStats(): PageScanner['stats'] | null {
    return this.#scanner?.stats ?? null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('superfone-call-started', this.#onCallStarted);
    this.#stopDetection();
    this.#stopWatchingLanguage?.();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('superfone-call-started', this.#onCallStarted);
    // Its provider listens now: controls that connected before any scope ask for theirs.
    scopeAppeared();
    this.#language = catalogueLanguageOf(this);
    // Moved in the page: detection stopped on disconnect and starts again here.
    if (this.hasUpdated && this.detect) this.#startDetection();
    // The page switched language: marks not yet used are named again in it.
    this.#stopWatchingLanguage = watchLanguage(() => {
      this.#language = catalogueLanguageOf(this);
      const scanner = this.#scanner;
      if (scanner) void loadCatalogue(this.#language).then(() => scanner.renameMarks());
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const inherited = ['agentNumber', 'proxyUrl', 'defaultCountry', 'maxDuration', 'messages', 'getToken', 'parentSettings'] as const;
    if (inherited.some((name) => changed.has(name as keyof SuperfoneClickToCall))) {
      const own = {
        agentNumber: textSetting(this.agentNumber),
        proxyUrl: textSetting(this.proxyUrl),
        defaultCountry: textSetting(this.defaultCountry),
        maxDuration: durationSetting(this.maxDuration),
        messages: this.messages,
        getToken: tokenSetting(this.getToken),
      };
      this.settings = inheritSettings(own, this.parentSettings);
      this.#provider.setValue(this.settings);
    }
  }

  protected override updated(): void {
    // Restart detection only when what it depends on changed, not for every agent switch.
    const detectionKey = JSON.stringify([this.detect, this.ignore, this.shadowRoots, this.settings.defaultCountry]);
    if (detectionKey !== this.#detectionKey) {
      this.#detectionKey = detectionKey;
      this.#stopDetection();
      if (this.detect) this.#startDetection();
    }
  }

  #startDetection(): void {
    const country = (this.settings.defaultCountry ?? DEFAULT_COUNTRY).toUpperCase();
    // Detection's code and number handling are fetched once the page's controls have drawn:
    // they are most of the package's weight, and the controls need neither to draw.
    this.#scannerReady = afterFirstPaint()
      .then(() => Promise.all([import('./detection/page-scanner.js'), loadCallingChunk(), loadCatalogue(this.#language)]))
      .then(([{ PageScanner }, { isKnownCountry }]) => {
        if (!this.detect || !this.isConnected) return;
        if (!isKnownCountry(country)) {
          console.error(`superfone-click-to-call: unknown default-country "${country}"; detection is off.`);
          return;
        }
        try {
          this.#scanner = new PageScanner(this, {
            defaultCountry: country,
            ignore: this.ignore,
            searchShadowRoots: this.shadowRoots !== 'none',
            markName: this.#markName,
          });
        } catch (error) {
          console.error((error as Error).message);
          return;
        }
        this.#scanner.start();
      });
  }

  #stopDetection(): void {
    this.#scanner?.stop();
    this.#scanner = null;
  }

  override render() {
    // A call whose control left the page mid-call (its number edited away) keeps a control here, after the content.
    return html`<slot></slot>${this.#callsLeft?.render()}`;
  }
}

/** Resolves after the next frame is drawn; in a tab that draws none (hidden), soon anyway. */
function afterFirstPaint(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => setTimeout(resolve, 0);
    requestAnimationFrame(done);
    setTimeout(resolve, 100);
  });
}
