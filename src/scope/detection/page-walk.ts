/**
 * Which text of the page detection reads, and the walk that finds it. Content that is never
 * touched: code, form fields, editable text, ignored parts, our own controls, and places
 * where no mark can safely go: inside a link or button (a mark there would nest one
 * interactive thing in another) and inside SVG (where an HTML element does not render). A
 * number there stays plain text; a `tel:` link is already callable.
 */
const ALWAYS_SKIP = [
  'script, style, noscript, template, textarea, input, select, option, [contenteditable], [data-superfone-ignore]',
  'superfone-call-button, superfone-click-to-call[detect]',
  'a[href], button, label, summary, [role="button"], [role="link"], svg',
].join(', ');

/** What a scan skips: the rules above and the integrator's `ignore`, checked now so a bad selector is named at once. */
export function skipSelector(root: Element, ignore: string): string {
  const skip = ignore.trim() ? `${ALWAYS_SKIP}, ${ignore}` : ALWAYS_SKIP;
  try {
    root.matches(skip);
  } catch {
    throw new SyntaxError(`superfone-click-to-call: ignore="${ignore}" is not a valid CSS selector list.`);
  }
  return skip;
}

/** A quick test that a text could hold a phone number at all: seven digits, loosely spaced. */
const SEVEN_DIGITS = /(?:\p{Nd}[^\p{Nd}\n]{0,3}){6}\p{Nd}/u;

/** SEVEN_DIGITS, after a count that turns most text away without running the pattern. */
export function mayHoldPhoneNumber(data: string): boolean {
  let digits = 0;
  for (let index = 0; index < data.length && digits < 7; index++) {
    const code = data.charCodeAt(index);
    if (code >= 48 && code <= 57) digits++;
    // Digits of other scripts (०-९, ٠-٩, …): the pattern decides.
    else if (code > 127) return SEVEN_DIGITS.test(data);
  }
  return digits === 7 && SEVEN_DIGITS.test(data);
}

/** Text nodes a walker advances between clock checks. */
const WALK_BATCH = 64;

/** A subtree being walked: its text nodes only, its skipped parts found in one native pass. */
export interface Walk {
  root: Element | ShadowRoot;
  walker: TreeWalker;
  skipped: ReadonlySet<Element>;
}

/**
 * A walk of `root`'s text, or `null` when `root` itself is skipped. A filter called back for
 * every node costs several times more than finding the skipped parts once.
 */
export function startWalk(root: Element | ShadowRoot, skip: string, scopeRoot: Element): Walk | null {
  if (root instanceof Element && root !== scopeRoot && root.matches(skip)) return null;
  const skipped = new Set(root.querySelectorAll(skip));
  skipped.delete(scopeRoot);
  return { root, walker: document.createTreeWalker(root, NodeFilter.SHOW_TEXT), skipped };
}

/** Open shadow roots under a walk's root, outside its skipped parts (each walked as a subtree of its own). */
export function shadowRootsIn({ root, skipped }: Walk, scopeRoot: Element): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  const elements = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  while (elements.nextNode()) {
    const host = elements.currentNode as Element;
    if (host.shadowRoot && host !== scopeRoot && !skipped.has(host) && !isUnder(host, skipped, root)) roots.push(host.shadowRoot);
  }
  return roots;
}

/** Hands up to a batch of the walk's text nodes outside skipped parts to `collect`; false once the walk is done. */
export function walkSome(walk: Walk, collect: (text: Text) => void): boolean {
  for (let count = 0; count < WALK_BATCH; count++) {
    const text = walk.walker.nextNode() as Text | null;
    if (!text) return false;
    if (!isUnder(text, walk.skipped, walk.root)) collect(text);
  }
  return true;
}

/** True under skipped content between the node and the scope's root (the root itself matches `[detect]`). */
export function isInsideSkipped(node: Node, skip: string, scopeRoot: Element): boolean {
  const parent = node.parentElement;
  if (parent === null) return !(node.parentNode instanceof ShadowRoot);
  const skipped = parent.closest(skip);
  return skipped !== null && skipped !== scopeRoot && scopeRoot.contains(skipped);
}

/** True when a node lies inside one of the `skipped` elements, below `root`. */
function isUnder(node: Node, skipped: ReadonlySet<Element>, root: Element | ShadowRoot): boolean {
  if (skipped.size === 0) return false;
  for (let element = node.parentElement; element !== null; element = element.parentElement) {
    if (skipped.has(element)) return true;
    if (element === root) return false;
  }
  return false;
}
