import type { CountryCode } from 'libphonenumber-js/min';

import { clickedCallLink, isMark, numberOfCallLink } from './call-links.js';
import { isInsideSkipped } from './page-walk.js';

/** What a scope's options say of its clicks. */
export interface CallLinkOptions {
  defaultCountry: CountryCode;
  /** What a plain click on a mark or call link does instead of making it a `<superfone-call-button>` (the extension's isolated world has no custom elements). */
  activate?(link: HTMLAnchorElement, e164: string, event: MouseEvent): void;
}

/** What the clicks need of the scanner whose scope they serve. */
export interface ClickScope {
  readonly root: HTMLElement;
  /** The selector of what detection leaves alone. */
  readonly skip: string;
  readonly options: CallLinkOptions;
  /** Whether the scanner made this mark (a page's own link is read by its `href` only). */
  madeHere(link: Element): boolean;
  /** Puts a control in the link's place; `null` when the link has left the page. */
  makeControl(link: HTMLAnchorElement, e164: string): HTMLElementTagNameMap['superfone-call-button'] | null;
}

/**
 * One click listener on the scope's root: a plain click on a mark or a `tel:`/`callto:` link
 * places the call through Superfone. In a page the link becomes a `<superfone-call-button>`
 * in its place, which starts the call; in the extension's isolated world (no custom elements)
 * `activate` does. A number it cannot call (a short code, say) keeps the browser's default.
 */
export class CallLinkClicks {
  readonly #scope: ClickScope;

  constructor(scope: ClickScope) {
    this.#scope = scope;
  }

  start(): void {
    this.#scope.root.addEventListener('click', this.#onClick);
  }

  stop(): void {
    this.#scope.root.removeEventListener('click', this.#onClick);
  }

  readonly #onClick = (event: MouseEvent): void => {
    const scope = this.#scope;
    const link = clickedCallLink(event);
    if (!link || isInsideSkipped(link, scope.skip, scope.root)) return;
    const e164 = numberOfCallLink(link, isMark(link) && scope.madeHere(link), scope.options.defaultCountry);
    if (!e164) return;
    event.preventDefault();
    if (scope.options.activate) scope.options.activate(link, e164, event);
    else void scope.makeControl(link, e164)?.start();
  };
}
