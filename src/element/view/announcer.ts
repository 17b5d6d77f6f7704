/**
 * One polite live region for the whole page, in its light DOM: what a control says as its
 * call changes (calling, on the call, ended) is read from here. A region per control cost a
 * box and a part in each of a table's thousand controls, to say something a few times a day.
 * Loaded with the calling chunk (calling-chunk.ts): nothing is said before numbers are checked.
 */
let region: HTMLElement | undefined;

/** The attribute that marks the page's region, for tests and for pages that look for it. */
export const ANNOUNCER_ATTRIBUTE = 'data-superfone-announcer';

/**
 * Says `text` to assistive technology, marked as `language`. In an open modal dialog the
 * region moves into it: screen readers hear nothing outside a modal. A region just placed is
 * given a moment to be in the accessibility tree before it changes, or the first words are lost.
 */
export function announce(text: string, language: string, from: Element): void {
  const place = modalAround(from) ?? document.body;
  latest = { text, language };
  if (waiting) return;
  if (region?.parentNode === place) return say();
  region ??= createRegion();
  region.textContent = '';
  place.append(region);
  waiting = true;
  setTimeout(say, 100);
}

/** Puts the region in the page ahead of the first words, so they are heard at once. */
export function prepareAnnouncer(): void {
  if (!region && document.body) document.body.append((region = createRegion()));
}

function createRegion(): HTMLElement {
  const created = document.createElement('div');
  created.setAttribute(ANNOUNCER_ATTRIBUTE, '');
  created.setAttribute('role', 'status');
  created.setAttribute('aria-live', 'polite');
  // Heard by screen readers; not seen, and no part of the page's layout.
  created.style.cssText = 'position:fixed;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap';
  return created;
}

/** The newest words: a region waiting to be heard says those, not what was current when it moved. */
let latest = { text: '', language: '' };
let waiting = false;

function say(): void {
  waiting = false;
  region!.lang = latest.language;
  region!.textContent = latest.text;
}

/**
 * The open modal dialog `from` is in, if any, across shadow roots: the walk languageOf
 * (page-language.ts) makes, written again here: importing it into this lazy chunk would split
 * page-language into a chunk of its own, ~60 bytes more on every page.
 */
function modalAround(from: Element): Element | null {
  for (let at: Element | null = from; at; at = (at.getRootNode() as Partial<ShadowRoot>).host ?? null) {
    const modal = at.closest('dialog:modal, [aria-modal="true"]');
    if (modal) return modal;
  }
  return null;
}
