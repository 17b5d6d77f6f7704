/**
 * The language a control speaks is the page's: the nearest `lang` attribute above it, across
 * shadow roots (the element's own, a scope's, `<html>`'s), as for any text in the page.
 */
export function languageOf(element: Element): string {
  // The browser's own walk within each tree, then on from the tree's host.
  for (let at: Element | null = element; at; at = (at.getRootNode() as Partial<ShadowRoot>).host ?? null) {
    const marked = at.closest('[lang]');
    // `lang=""` says the language is unknown: English then.
    if (marked) return marked.getAttribute('lang') || 'en';
  }
  return 'en';
}

const listeners = new Set<() => void>();
let observer: MutationObserver | undefined;

/**
 * Calls `listener` whenever a `lang` attribute changes anywhere in the document (a language
 * switch in the CRM) or a catalogue is registered; returns a function that stops it. One
 * observer serves the whole page. `lang` changed inside another component's shadow root is
 * not seen.
 */
export function watchLanguage(listener: () => void): () => void {
  if (!observer) {
    observer = new MutationObserver(languageChanged);
    observer.observe(document, { attributes: true, attributeFilter: ['lang'], subtree: true });
  }
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Tells every watcher to look at its language again. */
export function languageChanged(): void {
  for (const listener of [...listeners]) listener();
}
