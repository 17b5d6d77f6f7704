/**
 * Which of many nodes, in document order, are on or near the screen: a binary search on
 * their boxes, a few dozen `getBoundingClientRect` calls for thousands of nodes, where an
 * IntersectionObserver would compute every node on every scrolled frame. It relies on
 * document order being top-to-bottom order, as in tables, lists and notes; in a layout that
 * reorders them, some numbers are found near the screen later than others.
 */

/** "Near" is a screen's height above and below: scrolling and tabbing meet marks already made. */
const MARGIN_SCREENS = 1;

/** The index range `[from, to)` of `items` whose boxes lie within the screen and its margins. */
export function nearScreen<T>(items: readonly T[], boxOf: (item: T) => DOMRect | null): [number, number] {
  const height = window.innerHeight;
  const top = -height * MARGIN_SCREENS;
  const bottom = height * (1 + MARGIN_SCREENS);
  // A node with no box (detached, display: none) counts as near: marking it costs no layout.
  const from = firstIndex(items, (item) => (boxOf(item)?.bottom ?? top) >= top);
  const to = firstIndex(items, (item) => (boxOf(item)?.top ?? bottom) > bottom, from);
  return [from, to];
}

/** The first index at or after `start` where `test` holds, for a test that holds from some index on. */
function firstIndex<T>(items: readonly T[], test: (item: T) => boolean, start = 0): number {
  let low = start;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(items[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The box of the element holding a text node, or `null` when it has none. */
export function boxOfText(text: Text): DOMRect | null {
  const holder = text.parentElement;
  if (!holder || !text.isConnected) return null;
  const box = holder.getBoundingClientRect();
  return box.width === 0 && box.height === 0 ? null : box;
}
