/**
 * What detection puts in the page, and what a click on it does. A detected number becomes a
 * mark: a real `tel:` link around its own text, in the light DOM, with no shadow root and
 * nothing to render, so thousands cost little more than the text they wrap; it is focusable
 * and keyboard-operable as any link is. Only when the agent activates a mark (or one of the
 * page's own `tel:`/`callto:` links) does it become a full control, wrapped in an inline
 * `<superfone-call-button>` that places the call and shows its state.
 */

import { isPlainClick } from '../../element/plain-click.js';
import { type CountryCode, normalizePhoneNumber } from '../../shared/phone-number.js';

/** Set on marks and on the controls made from them (the element reads it too, by name). */
export const DETECTED = 'data-superfone-detected';
const CALL_LINK = 'a[href^="tel:" i], a[href^="callto:" i]';

/** A mark for a number, named for what it does ("Call 98450 12345", in the page's language). */
export function makeMark(e164: string, name: string): HTMLAnchorElement {
  const mark = document.createElement('a');
  mark.setAttribute('href', `tel:${e164}`);
  mark.setAttribute(DETECTED, '');
  mark.setAttribute('aria-label', name);
  return mark;
}

export function isMark(node: Node | null): node is HTMLAnchorElement {
  return node instanceof HTMLAnchorElement && node.hasAttribute(DETECTED);
}

// Zero specificity: any rule of the page's own wins. The page's colour, a dotted underline.
const MARK_STYLES = `:where(a[${DETECTED}]){color:inherit;text-decoration:underline dotted;text-underline-offset:.2em;cursor:pointer}`;
let markSheet: CSSStyleSheet | undefined;

/** Gives marks their look in a document or shadow root: one shared sheet, adopted once. */
export function adoptMarkStyles(root: Document | ShadowRoot): void {
  if (!markSheet) {
    markSheet = new CSSStyleSheet();
    markSheet.replaceSync(MARK_STYLES);
  }
  if (!root.adoptedStyleSheets.includes(markSheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, markSheet];
}

/**
 * The call link a plain click landed on, if any: the nearest `tel:`/`callto:` link in the
 * event's path (open shadow roots included) that is not already a control's. A modifier or
 * non-primary click keeps the browser's default.
 */
export function clickedCallLink(event: MouseEvent): HTMLAnchorElement | null {
  if (event.defaultPrevented || !isPlainClick(event)) return null;
  for (const target of event.composedPath()) {
    if (!(target instanceof Element)) continue;
    if (target.localName === 'superfone-call-button') return null;
    if (target instanceof HTMLAnchorElement) {
      return target.matches(CALL_LINK) && target.parentElement?.localName !== 'superfone-call-button' ? target : null;
    }
  }
  return null;
}

/** Makes a link a call control: an inline `<superfone-call-button>` around it, keeping its focus. */
export function wrapInControl(link: HTMLAnchorElement, e164: string): HTMLElementTagNameMap['superfone-call-button'] {
  const focused = (link.getRootNode() as Document | ShadowRoot).activeElement === link;
  const control = document.createElement('superfone-call-button');
  control.setAttribute('inline', '');
  control.setAttribute('customer-number', e164);
  control.setAttribute(DETECTED, '');
  link.before(control);
  control.append(link);
  // Moving the link blurred it; it can take focus again once the control shows its slot.
  if (focused) void control.updateComplete.then(() => link.focus());
  return control;
}

/**
 * The number a click on a call link dials: a mark's own, or the page's `tel:`/`callto:`
 * link read as a number; `null` for one that cannot be called (a short code), which keeps
 * the browser's default.
 */
export function numberOfCallLink(link: HTMLAnchorElement, isOurMark: boolean, defaultCountry: CountryCode): string | null {
  const href = link.getAttribute('href') ?? '';
  if (isOurMark) return href.slice('tel:'.length);
  let written = href;
  try {
    written = decodeURIComponent(href);
  } catch {
    // A malformed escape: let the number check below refuse it.
  }
  const number = normalizePhoneNumber(written, defaultCountry);
  return number.ok ? number.e164 : null;
}
