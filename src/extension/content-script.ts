// Runs in the CRM's pages on the listed sites only, in Chrome's isolated world: detection
// marks the numbers as <superfone-click-to-call detect> does, and a trusted click on a mark
// asks the service worker to call. Custom elements do not exist here, so a mark shows its
// call itself (its state, its name, a message), worded as the element words it.
import { announce, ANNOUNCER_ATTRIBUTE, catalogueLanguageOf, failureWords, loadCatalogue, outcomeText, viewOf, wordsFor, type CallButtonMessages, type CallState } from '../element/view/index.js';
import { formatForDisplay } from '../shared/phone-number.js';
import { DETECTED, numberOfCallLink } from '../scope/detection/call-links.js';
import { PageScanner } from '../scope/detection/page-scanner.js';
import { askWorker, type WorkerNews } from './extension-messages.js';

/** A mark's call, on the mark: what the page may see of it is what the agent sees. */
const STATE = 'data-superfone-state';
const MESSAGE = 'data-superfone-message';

// The state beside the number, at zero specificity as the marks' own look is.
const STATE_STYLES = `:where(a[${STATE}="starting"],a[${STATE}="ending"])::after{content:" …"}:where(a[${STATE}="active"])::after{content:" ● " attr(${MESSAGE})}:where(a[${STATE}="error"])::after{content:" ⚠ " attr(${MESSAGE});color:#b00020}`;

/** Shows a mark's (or a page's own tel: link's) call: its state, its name for what a click does now, and what to say (`message` says it instead). */
function show(mark: HTMLAnchorElement, state: CallState, words: CallButtonMessages, e164: string, said: { error?: string; busyWith?: string; outcome?: string; message?: string } = {}): string {
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
    words,
    formatForDisplay,
  );
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

/** The marks and the page's own call links that detection made controls of. */
const callLinks = (root: ParentNode = document) => root.querySelectorAll<HTMLAnchorElement>(`a[${DETECTED}], a[${STATE}]`);

async function start(): Promise<void> {
  const settings = await askWorker({ kind: 'page-settings' });
  if (!settings || !document.body) return;
  const language = settings.language === 'auto' ? catalogueLanguageOf(document.documentElement) : settings.language;
  await Promise.all([loadCatalogue('en'), loadCatalogue(language)]);
  const words = wordsFor(language)!;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(STATE_STYLES);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

  const activate = async (mark: HTMLAnchorElement, e164: string, event: MouseEvent): Promise<void> => {
    // Only the agent's own click or key press calls: a page script's click is never trusted.
    if (!event.isTrusted) return;
    const state = (mark.getAttribute(STATE) ?? 'idle') as CallState;
    if (state === 'starting' || state === 'ending') return;
    const action = state === 'active' ? 'END' : 'START';
    show(mark, action === 'START' ? 'starting' : 'ending', words, e164);
    announce(action === 'START' ? words.callingNumber(formatForDisplay(e164)) : words.endingTheCall, language, mark);
    const answer = await askWorker({ kind: 'call', action, customerNumber: e164 });
    if (answer?.ok) {
      show(mark, action === 'START' ? 'active' : 'idle', words, e164);
      announce(action === 'START' ? words.appIsCalling(formatForDisplay(e164)) : words.callEnded, language, mark);
      return;
    }
    if (answer && 'busyWith' in answer) {
      announce(show(mark, 'idle', words, e164, { busyWith: answer.busyWith }), language, mark);
      return;
    }
    if (answer && 'busyElsewhere' in answer) {
      announce(show(mark, 'idle', words, e164, { message: words.onAnotherCall }), language, mark);
      return;
    }
    if (answer && 'signInNeeded' in answer) {
      signedOut.start();
      announce(words.signInAgain, language, mark);
      return;
    }
    const failure = answer ?? { ok: false as const, code: 'network_error' as const, status: 0 };
    announce(show(mark, 'error', words, e164, { error: failureWords(failure, words, language) }), language, mark);
  };

  const numberOf = (link: HTMLAnchorElement) => numberOfCallLink(link, link.hasAttribute(DETECTED), settings.defaultCountry) ?? '';
  /** While the sign-in has ended, every number says to sign in again, those marked later too. */
  const signedOut = {
    watch: new MutationObserver((records) => {
      for (const node of records.flatMap((record) => [...record.addedNodes])) {
        if (!(node instanceof Element)) continue;
        if (node instanceof HTMLAnchorElement && node.hasAttribute(DETECTED)) sayToSignIn(node);
        for (const link of callLinks(node)) sayToSignIn(link);
      }
    }),
    start() {
      for (const link of callLinks()) sayToSignIn(link);
      signedOut.watch.observe(document.body, { childList: true, subtree: true });
    },
    stop() {
      signedOut.watch.disconnect();
      for (const link of callLinks()) if (link.getAttribute(MESSAGE) === words.signInAgain) show(link, 'idle', words, numberOf(link));
    },
  };
  const sayToSignIn = (link: HTMLAnchorElement) => link.getAttribute(MESSAGE) !== words.signInAgain && show(link, 'error', words, numberOf(link), { message: words.signInAgain });

  // From the worker (never from the page: it cannot message the extension): how a call ended, and the sign-in.
  chrome.runtime.onMessage.addListener((news: WorkerNews, sender) => {
    if (sender.id !== chrome.runtime.id || sender.tab) return;
    if (news?.kind === 'sign-in') return void (news.signedIn ? signedOut.stop() : signedOut.start());
    if (news?.kind !== 'call-ended') return;
    const outcome = outcomeText(news.record, words, language);
    for (const link of document.querySelectorAll<HTMLAnchorElement>(`a[${STATE}]`)) {
      if (numberOfCallLink(link, link.hasAttribute(DETECTED), settings.defaultCountry) !== news.customerNumber) continue;
      show(link, 'idle', words, news.customerNumber, { outcome });
      announce(outcome, language, link);
    }
  });

  new PageScanner(document.body, {
    defaultCountry: settings.defaultCountry,
    // The live region says numbers ("Calling +91 …"): it is ours, not the page's text.
    ignore: `[${ANNOUNCER_ATTRIBUTE}]`,
    searchShadowRoots: true,
    markName: (written) => words.callNumber(written),
    activate: (mark, e164, event) => void activate(mark, e164, event),
  }).start();
  if (!settings.signedIn) signedOut.start();
}

// Registered for the listed sites and also run in tabs already open when they were listed: once per frame.
const ran = globalThis as { superfoneContentScript?: true };
if (!ran.superfoneContentScript) {
  ran.superfoneContentScript = true;
  void start();
}
