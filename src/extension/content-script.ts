// Runs in the CRM's pages on the listed sites only, in Chrome's isolated world: detection
// marks the numbers as <superfone-click-to-call detect> does, and a trusted click on a mark
// asks the service worker to call. Custom elements do not exist here, so a mark shows its
// call itself (its state, its name, a message), worded as the element words it.
import {
  announce,
  ANNOUNCER_ATTRIBUTE,
  type CallButtonMessages,
  type CallState,
  catalogueLanguageOf,
  failureWords,
  loadCatalogue,
  outcomeText,
  viewOf,
  wordsFor,
} from '../element/view/index.js';
import { DETECTED, numberOfCallLink } from '../scope/detection/call-links.js';
import { PageScanner } from '../scope/detection/page-scanner.js';
import { formatForDisplay } from '../shared/phone-number.js';
import { askWorker, type CallAnswer, type CallEndedNews, type PageSettings, type WorkerNews } from './extension-messages.js';

/** A mark's call, on the mark: what the page may see of it is what the agent sees. */
const STATE = 'data-superfone-state';
const MESSAGE = 'data-superfone-message';

// The state beside the number, at zero specificity as the marks' own look is.
const STATE_STYLES = `:where(a[${STATE}="starting"],a[${STATE}="ending"])::after{content:" …"}:where(a[${STATE}="active"])::after{content:" ● " attr(${MESSAGE})}:where(a[${STATE}="error"])::after{content:" ⚠ " attr(${MESSAGE});color:#b00020}`;

/** What a mark says beside its state: an error's words, the other customer the agent is busy with, how its call went, or words given outright. */
type Said = { error?: string; busyWith?: string; outcome?: string; message?: string };

/** The marks and the page's own call links that detection made controls of. */
const callLinks = (root: ParentNode = document) => root.querySelectorAll<HTMLAnchorElement>(`a[${DETECTED}], a[${STATE}]`);

/**
 * The calls of this page's marks (and of its own tel: links), worded as the element words
 * its own: each one's state kept here, the attributes only showing it to the agent.
 */
class MarkCalls {
  readonly #states = new WeakMap<HTMLAnchorElement, CallState>();
  readonly #words: CallButtonMessages;
  readonly #language: string;
  readonly #defaultCountry: PageSettings['defaultCountry'];
  /** While the sign-in has ended, every number says to sign in again, those marked later too. */
  readonly #signedOutWatch = new MutationObserver((records) => {
    for (const node of records.flatMap((record) => [...record.addedNodes])) {
      if (!(node instanceof Element)) continue;
      if (node instanceof HTMLAnchorElement && node.hasAttribute(DETECTED)) this.#sayToSignIn(node);
      for (const link of callLinks(node)) this.#sayToSignIn(link);
    }
  });

  constructor(words: CallButtonMessages, language: string, defaultCountry: PageSettings['defaultCountry']) {
    this.#words = words;
    this.#language = language;
    this.#defaultCountry = defaultCountry;
  }

  /** Shows a mark's call: its state, its name for what a click does now, and what to say (`message` says it instead). */
  show(mark: HTMLAnchorElement, state: CallState, e164: string, said: Said = {}): string {
    const view = viewOf(
      { inline: true, disabled: false, customerNumber: e164, textContent: mark.textContent, ariaLabel: null },
      {
        state,
        call: state === 'idle' ? null : { customerNumber: e164 },
        busyWith: said.busyWith ? { customerNumber: said.busyWith } : null,
        failedAction: 'START',
        errorMessage: said.error ?? '',
        outcome: said.outcome ?? '',
      },
      null,
      this.#words,
      formatForDisplay,
    );
    this.#states.set(mark, state);
    mark.setAttribute(STATE, state);
    // A mark is ours to name for its call; a page's own tel: link keeps its name ("Call Anita").
    if (mark.hasAttribute(DETECTED)) mark.setAttribute('aria-label', view.name);
    const message = said.message ?? view.message;
    if (message) {
      mark.setAttribute(MESSAGE, message);
      mark.setAttribute('aria-description', message);
    } else {
      mark.removeAttribute(MESSAGE);
      mark.removeAttribute('aria-description');
    }
    return message;
  }

  #say(text: string, mark: HTMLAnchorElement): void {
    announce(text, this.#language, mark);
  }

  /** A trusted click or key press on a mark: START, or END while its call is on. */
  async activate(mark: HTMLAnchorElement, e164: string, event: MouseEvent): Promise<void> {
    // Only the agent's own click or key press calls: a page script's click is never trusted.
    if (!event.isTrusted) return;
    const state = this.#states.get(mark) ?? 'idle';
    if (state === 'starting' || state === 'ending') return;
    const action = state === 'active' ? 'END' : 'START';
    this.show(mark, action === 'START' ? 'starting' : 'ending', e164);
    this.#say(action === 'START' ? this.#words.callingNumber(formatForDisplay(e164)) : this.#words.endingTheCall, mark);
    this.#answered(mark, e164, action, await askWorker({ kind: 'call', action, customerNumber: e164 }));
  }

  #answered(mark: HTMLAnchorElement, e164: string, action: 'START' | 'END', answer: CallAnswer | null): void {
    const words = this.#words;
    if (answer?.ok) {
      this.show(mark, action === 'START' ? 'active' : 'idle', e164);
      return this.#say(action === 'START' ? words.appIsCalling(formatForDisplay(e164)) : words.callEnded, mark);
    }
    if (answer && 'busyWith' in answer) return this.#say(this.show(mark, 'idle', e164, { busyWith: answer.busyWith }), mark);
    if (answer && 'busyElsewhere' in answer) return this.#say(this.show(mark, 'idle', e164, { message: words.onAnotherCall }), mark);
    if (answer && 'signInNeeded' in answer) {
      this.signedOut();
      return this.#say(words.signInAgain, mark);
    }
    const failure = answer ?? { ok: false as const, code: 'network_error' as const, status: 0 };
    this.#say(this.show(mark, 'error', e164, { error: failureWords(failure, words, this.#language) }), mark);
  }

  #numberOf(link: HTMLAnchorElement): string {
    return numberOfCallLink(link, link.hasAttribute(DETECTED), this.#defaultCountry) ?? '';
  }

  #sayToSignIn(link: HTMLAnchorElement): void {
    if (link.getAttribute(MESSAGE) !== this.#words.signInAgain) this.show(link, 'error', this.#numberOf(link), { message: this.#words.signInAgain });
  }

  signedOut(): void {
    for (const link of callLinks()) this.#sayToSignIn(link);
    this.#signedOutWatch.observe(document.body, { childList: true, subtree: true });
  }

  signedIn(): void {
    this.#signedOutWatch.disconnect();
    for (const link of callLinks()) if (link.getAttribute(MESSAGE) === this.#words.signInAgain) this.show(link, 'idle', this.#numberOf(link));
  }

  /** How a call ended, from Superfone's record: every mark of that number says so. */
  ended(customerNumber: string, record: CallEndedNews['record']): void {
    const outcome = outcomeText(record, this.#words, this.#language);
    for (const link of document.querySelectorAll<HTMLAnchorElement>(`a[${STATE}]`)) {
      if (this.#numberOf(link) !== customerNumber) continue;
      this.show(link, 'idle', customerNumber, { outcome });
      this.#say(outcome, link);
    }
  }
}

async function start(): Promise<void> {
  const settings = await askWorker({ kind: 'page-settings' });
  if (!settings || !document.body) return;
  const language = settings.language === 'auto' ? catalogueLanguageOf(document.documentElement) : settings.language;
  await Promise.all([loadCatalogue('en'), loadCatalogue(language)]);
  const words = wordsFor(language)!;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(STATE_STYLES);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const marks = new MarkCalls(words, language, settings.defaultCountry);

  // From the worker (never from the page: it cannot message the extension): how a call ended, and the sign-in.
  chrome.runtime.onMessage.addListener((news: WorkerNews, sender) => {
    if (sender.id !== chrome.runtime.id || sender.tab) return;
    if (news?.kind === 'sign-in') return void (news.signedIn ? marks.signedIn() : marks.signedOut());
    if (news?.kind === 'call-ended') marks.ended(news.customerNumber, news.record);
  });

  new PageScanner(document.body, {
    defaultCountry: settings.defaultCountry,
    // The live region says numbers ("Calling +91 …"): it is ours, not the page's text.
    ignore: `[${ANNOUNCER_ATTRIBUTE}]`,
    searchShadowRoots: true,
    markName: (written) => words.callNumber(written),
    activate: (mark, e164, event) => void marks.activate(mark, e164, event),
  }).start();
  if (!settings.signedIn) marks.signedOut();
}

// Registered for the listed sites and also run in tabs already open when they were listed: once per frame.
const ran = globalThis as { superfoneContentScript?: true };
if (!ran.superfoneContentScript) {
  ran.superfoneContentScript = true;
  void start();
}
