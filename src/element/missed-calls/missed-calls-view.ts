import { ContextEvent } from '@lit/context';
import { adoptStyles, css, html, nothing, render } from 'lit';

import { formatForDisplay } from '../../shared/phone-number.js';
import type { MissedCall } from '../../shared/protocol.js';
import { createCallEvent } from '../call-events.js';
import { languageOf, watchLanguage } from '../page-language.js';
import { type CallSettings, effectiveSettings, inheritSettings, scopeContext, textSetting, tokenSetting, type TokenSource, UNSET } from '../scope-context.js';
import { announce } from '../view/announcer.js';
import { type MissedCallWords, missedCallWords } from './missed-call-words.js';
import { type FeedState, type MissedCallsFeed, openMissedCallsFeed } from './missed-calls-feed.js';

/** What a page may set on the element as properties, as on the button: never as attributes. */
interface MissedCallsHost extends HTMLElement {
  getToken?: TokenSource | null;
  /** Words changed for this list, over its language's. */
  messages?: Partial<MissedCallWords> | null;
  detach?: () => void;
}

/** How often "5 minutes ago" is worded again. */
const TIME_REFRESH_MS = 30_000;

const styles = css`
  :host { display: block; font-size: var(--superfone-missed-calls-font-size, 0.875rem); }
  :host([hidden]) { display: none; }
  h2 { font-size: 1em; margin: 0 0 0.5em; }
  ul { list-style: none; margin: 0; padding: 0; }
  li { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25em 0.75em; padding: 0.375em 0; border-top: 1px solid var(--superfone-missed-calls-divider, #dadce0); }
  .who { display: flex; flex-direction: column; min-width: 10em; flex: 1; }
  [part~='number'] { font-weight: 600; }
  [part~='time'], [part~='name'] { color: var(--superfone-missed-calls-muted, #4d5156); }
  [part~='dismiss'] { font: inherit; padding: 0.25em 0.75em; min-height: 2em; border: 1px solid currentColor; border-radius: 6px; background: transparent; color: inherit; cursor: pointer; }
  [part~='dismiss']:focus-visible { outline: 3px solid var(--superfone-call-button-focus-ring, #1a56db); outline-offset: 2px; }
  [part~='message'] { color: var(--superfone-call-button-error-color, #b3261e); }
`;

/** Views attached, by element: attaching twice (moved in the page) reuses the one there is. */
const views = new WeakMap<MissedCallsHost, MissedCallsView>();

/** Takes over a `<superfone-missed-calls>`: its shadow root, its settings, its stream. */
export function attach(host: MissedCallsHost): void {
  let view = views.get(host);
  if (!view) views.set(host, (view = new MissedCallsView(host)));
  view.start();
}

class MissedCallsView {
  readonly #host: MissedCallsHost;
  readonly #root: ShadowRoot;
  #scope: CallSettings | undefined;
  #unsubscribeScope: (() => void) | undefined;
  #feed: MissedCallsFeed | null = null;
  /** The settings the feed was opened with, to reopen it only when they change. */
  #feedKey = '';
  #state: FeedState = { kind: 'loading' };
  /** Ids of missed calls the page has shown or told: each new one is announced and dispatched once. */
  readonly #known = new Set<string>();
  #firstList = true;
  /** Items gone from the list whose call back is still on: kept until their call ends, so End stays here. */
  readonly #onCall = new Map<string, MissedCall>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #unwatchLanguage: (() => void) | undefined;

  constructor(host: MissedCallsHost) {
    this.#host = host;
    this.#root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    adoptStyles(this.#root, [styles]);
    // An item whose call back is on stays until the call is over, so its End stays here.
    this.#root.addEventListener('superfone-call-start', (event) => this.#callBack(event, true));
    this.#root.addEventListener('superfone-call-ended', (event) => this.#callBack(event, false));
    this.#root.addEventListener('superfone-call-error', (event) => (event as CustomEvent<{ action: string }>).detail.action === 'START' && this.#callBack(event, false));
  }

  start(): void {
    this.#host.detach = () => this.stop();
    // The scope around it, as the button's: its agent, proxy, token and words, and later changes to them.
    this.#host.dispatchEvent(
      new ContextEvent(
        scopeContext,
        this.#host,
        (value: CallSettings | undefined, unsubscribe?: () => void) => {
          this.#unsubscribeScope = unsubscribe;
          this.#scope = value;
          this.#openFeed();
        },
        true,
      ),
    );
    this.#unwatchLanguage = watchLanguage(() => this.#render());
    this.#timer = setInterval(() => {
      // A call back that ended where no event from its own button said so (another control on the page heard the end).
      for (const id of [...this.#onCall.keys()]) {
        if (this.#root.querySelector(`li[data-id="${CSS.escape(id)}"] superfone-call-button`)?.getAttribute('state') === 'idle') this.#onCall.delete(id);
      }
      this.#render();
    }, TIME_REFRESH_MS);
    this.#openFeed();
  }

  stop(): void {
    this.#feed?.stop();
    this.#feed = null;
    this.#feedKey = '';
    this.#unsubscribeScope?.();
    this.#unwatchLanguage?.();
    clearInterval(this.#timer);
  }

  /** The settings in force: the element's own attributes and properties, else the scope's, else the defaults. */
  #settings() {
    const own: CallSettings = {
      ...UNSET,
      agentNumber: textSetting(this.#host.getAttribute('agent-number')),
      proxyUrl: textSetting(this.#host.getAttribute('proxy-url')),
      getToken: tokenSetting(this.#host.getToken),
    };
    return effectiveSettings(inheritSettings(own, this.#scope));
  }

  #openFeed(): void {
    const settings = this.#settings();
    const key = `${settings.proxyUrl} ${settings.agentNumber}`;
    if (this.#feed && key === this.#feedKey && this.#feedHasToken === (settings.getToken !== null)) return;
    this.#feed?.stop();
    this.#feedKey = key;
    this.#feedHasToken = settings.getToken !== null;
    this.#feed = openMissedCallsFeed(settings, (state) => this.#take(state));
    this.#render();
  }

  #feedHasToken = false;

  #take(state: FeedState): void {
    // A failure after a list keeps the list: a dropped stream is reconnected.
    if (state.kind === 'failed' && this.#state.kind === 'list' && (state.code === 'network_error' || state.code === 'rate_limited' || state.code === 'limits_unavailable')) return;
    this.#state = state;
    if (state.kind === 'list') this.#arrivals(state.body.missedCalls);
    this.#render();
  }

  /** New missed calls, heard once each: announced, and dispatched as `superfone-missed-call`. The first list is what was there already. */
  #arrivals(calls: MissedCall[]): void {
    const fresh = calls.filter((call) => !this.#known.has(call.id));
    for (const call of calls) this.#known.add(call.id);
    if (this.#firstList) {
      this.#firstList = false;
      return;
    }
    for (const call of fresh.reverse()) {
      this.#host.dispatchEvent(createCallEvent('superfone-missed-call', { customerNumber: call.customerNumber, at: call.at, contactName: call.contactName }));
    }
    const newest = fresh.at(-1);
    if (newest) announce(this.#words().arrived(formatForDisplay(newest.customerNumber), newest.contactName), this.#language(), this.#host);
  }

  #language(): string {
    return languageOf(this.#host);
  }

  #words(): MissedCallWords {
    const words = missedCallWords(this.#language());
    return this.#host.messages ? { ...words, ...this.#host.messages } : words;
  }

  /** The list to show: the proxy's, and any item whose call back is still on (the proxy drops it once the call is placed). */
  #items(): MissedCall[] {
    const listed = this.#state.kind === 'list' ? this.#state.body.missedCalls : [];
    const kept = [...this.#onCall.values()].filter((call) => !listed.some((item) => item.id === call.id));
    return [...listed, ...kept].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  }

  /** A call back starting, failing or over, heard from the item's button (its events bubble out of it). */
  #callBack(event: Event, on: boolean): void {
    const id = (event.target as Element).closest?.('li')?.dataset.id;
    const call = id && this.#items().find((item) => item.id === id);
    if (!call) return;
    if (on) this.#onCall.set(call.id, call);
    else if (this.#onCall.delete(call.id)) this.#render();
  }

  #render(): void {
    const words = this.#words();
    const language = this.#language();
    const settings = this.#settings();
    const state = this.#state;
    const items = this.#items();
    const ago = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
    const when = (at: string) => {
      const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(at)) / 60_000));
      return minutes === 0 ? ago.format(0, 'second') : minutes < 60 ? ago.format(-minutes, 'minute') : ago.format(-Math.floor(minutes / 60), 'hour');
    };
    const problem =
      state.kind !== 'failed'
        ? null
        : state.code === 'unauthorized' || state.code === 'token_expired' || state.code === 'token_unavailable'
          ? words.signInAgain
          : state.code === 'forbidden' || state.code === 'bad_request' || state.code === 'invalid_number'
            ? words.notAvailable
            : words.tryLater;
    // Words for the call back buttons, in this list's language: the button's own catalogue words the rest.
    const callBack = { call: words.callBack, callNumber: words.callBackNumber };
    render(
      html`<section aria-labelledby="title" aria-busy=${state.kind === 'loading' ? 'true' : 'false'}>
        <h2 id="title" part="title" tabindex="-1">${words.title}</h2>
        ${problem ? html`<p part="message" role="alert">${problem}</p>` : nothing}
        ${state.kind === 'loading' ? html`<p part="empty">${words.loading}</p>` : nothing}
        ${state.kind === 'list' && items.length === 0 ? html`<p part="empty">${words.empty}</p>` : nothing}
        ${
          items.length > 0
            ? html`<ul part="list">
              ${items.map((call) => {
                const number = formatForDisplay(call.customerNumber);
                return html`<li part="item" data-id=${call.id}>
                  <span class="who"><span part="number">${number}</span>${call.contactName ? html`<span part="name">${call.contactName}</span>` : nothing}<time part="time" datetime=${call.at}>${when(call.at)}</time></span>
                  <superfone-call-button customer-number=${call.customerNumber} agent-number=${settings.agentNumber ?? nothing} proxy-url=${settings.proxyUrl} .getToken=${settings.getToken} .messages=${callBack}></superfone-call-button>
                  <button part="dismiss" aria-label=${words.dismissNumber(number)} @click=${() => this.#dismiss(call)}>${words.dismiss}</button>
                </li>`;
              })}
            </ul>`
            : nothing
        }
      </section>`,
      this.#root,
      { host: this.#host },
    );
  }

  async #dismiss(call: MissedCall): Promise<void> {
    if (!this.#feed) return;
    const list = this.#root.querySelector('ul');
    const items = [...(list?.querySelectorAll('li') ?? [])];
    const index = items.findIndex((item) => item.dataset.id === call.id);
    if (!(await this.#feed.dismiss(call.id))) return;
    // Gone here at once; the stream says so in every other tab. Focus moves to the next item's Dismiss, else the title.
    if (this.#state.kind === 'list') this.#state = { kind: 'list', body: { ...this.#state.body, missedCalls: this.#state.body.missedCalls.filter((item) => item.id !== call.id) } };
    this.#onCall.delete(call.id);
    this.#render();
    const next = this.#root.querySelectorAll<HTMLElement>('[part~="dismiss"]')[Math.min(index, items.length - 2)];
    (next ?? this.#root.querySelector<HTMLElement>('h2'))?.focus();
  }
}
