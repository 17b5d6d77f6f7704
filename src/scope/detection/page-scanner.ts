import type { CountryCode } from 'libphonenumber-js/min';
import { normalizePhoneNumber } from '../../shared/phone-number.js';
import { findPhoneNumbers } from './find-phone-numbers.js';

export interface ScanOptions {
  defaultCountry: CountryCode;
  /** Extra selectors whose content is left alone. */
  ignore: string;
  /** Whether open shadow roots inside the scope are searched too. */
  searchShadowRoots: boolean;
}

/** What a scan did, for benchmarks and tests. */
export interface ScanStats {
  textNodesSearched: number;
  numbersWrapped: number;
  linksWrapped: number;
  slices: number;
  longestSliceMs: number;
}

/**
 * Content that is never touched: code, form fields, editable text, ignored parts, our own
 * controls, and places where no control can safely go: inside another link or button (a
 * control there would nest one interactive thing in another) and inside SVG (where an HTML
 * element does not render). A number there stays plain text.
 */
const ALWAYS_SKIP = [
  'script, style, noscript, template, textarea, input, select, option, [contenteditable], [data-superfone-ignore]',
  'superfone-call-button, superfone-click-to-call[detect]',
  'a[href]:not([href^="tel:" i]):not([href^="callto:" i]), button, label, summary, [role="button"], [role="link"], svg',
].join(', ');
const CALL_LINK = 'a[href^="tel:" i], a[href^="callto:" i]';
/** A quick test that a text could hold a phone number at all: seven digits, loosely spaced. */
const SEVEN_DIGITS = /(?:\p{Nd}[^\p{Nd}\n]{0,3}){6}\p{Nd}/u;
/** Work is cut into slices this long, so the page stays responsive while a big table is scanned. */
const SLICE_MS = 8;
/** Nodes a walker advances between clock checks. */
const WALK_BATCH = 4;

type Job = { kind: 'walk'; walker: TreeWalker } | { kind: 'text'; text: Text };

/** Lit renders in microtasks; two turns are enough for a new element's first update. */
async function renderMicrotasks(): Promise<void> {
  await Promise.resolve();
  await Promise.resolve();
}

/** Gives the browser a turn (input, rendering) between slices. */
function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Finds phone numbers in the text under a root and makes each a call control, without
 * changing what the page shows: the number's own text is moved into an inline
 * `<superfone-call-button>`. `tel:`/`callto:` links are wrapped the same way. Content added
 * or changed later is picked up by a MutationObserver; only changed nodes are processed,
 * in time slices.
 *
 * Frameworks keep the text nodes they render and later set `nodeValue` on them, remove or
 * move them. Splitting a node for a number leaves the framework's node as the head (the
 * text before the number), followed by the pieces made from it: its family. When the
 * framework touches a head, the family is taken away at once, in the same turn and before
 * the page is drawn, so no stale number stays callable and the text reads as rendered;
 * then the head is searched again.
 */
export class PageScanner {
  readonly stats: ScanStats = { textNodesSearched: 0, numbersWrapped: 0, linksWrapped: 0, slices: 0, longestSliceMs: 0 };
  readonly #root: Element;
  readonly #options: ScanOptions;
  readonly #skip: string;
  readonly #observer: MutationObserver;
  /** Text already searched (and found empty) or produced by our own splitting. */
  readonly #searched = new WeakSet<Text>();
  /** Controls this scanner made, so their own mutations are not rescanned. */
  readonly #made = new WeakSet<Element>();
  /**
   * A split text node (the node its page or framework owns) → the pieces made from it, in
   * order. Weak: a family lives as long as its node, even detached (a framework may keep a
   * subtree aside and put it back), and goes with it.
   */
  readonly #families = new WeakMap<Text, ChildNode[]>();
  /** The root and the shadow roots observed, to find every family when detection stops. */
  readonly #observedRoots: ParentNode[] = [];
  /** Each piece → the head it was split from. */
  readonly #pieceHeads = new WeakMap<Node, Text>();
  #jobs: Job[] = [];
  /** Links met during a walk, wrapped once the walker has moved past them. */
  #links: HTMLAnchorElement[] = [];
  #running = false;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(root: Element, options: ScanOptions) {
    this.#root = root;
    this.#options = options;
    this.#skip = options.ignore.trim() ? `${ALWAYS_SKIP}, ${options.ignore}` : ALWAYS_SKIP;
    // Fail now, with the integrator's selector named, rather than deep in a scan.
    try {
      root.matches(this.#skip);
    } catch {
      throw new SyntaxError(`superfone-click-to-call: ignore="${options.ignore}" is not a valid CSS selector list.`);
    }
    this.#observer = new MutationObserver((records) => this.#onMutations(records));
  }

  start(): void {
    this.#observe(this.#root);
    this.#enqueueSubtree(this.#root);
  }

  stop(): void {
    this.#stopped = true;
    this.#observer.disconnect();
    this.#jobs = [];
    // Detection off: the page gets its own text nodes back, whole.
    for (const root of this.#observedRoots) {
      for (const control of root.querySelectorAll('superfone-call-button[data-superfone-detected]')) {
        const head = this.#pieceHeads.get(control);
        if (head) this.#rejoin(head, true);
      }
    }
    this.#settle();
  }

  /** Resolves once everything queued so far has been processed. */
  whenIdle(): Promise<void> {
    if (!this.#running && this.#jobs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #observe(root: Element | ShadowRoot): void {
    this.#observedRoots.push(root);
    this.#observer.observe(root, { childList: true, subtree: true, characterData: true });
  }

  #enqueueSubtree(root: Node): void {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => this.#accept(node),
    });
    this.#jobs.push({ kind: 'walk', walker });
    this.#run();
  }

  #accept(node: Node): number {
    if (node instanceof Text) {
      return !this.#searched.has(node) && SEVEN_DIGITS.test(node.data) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
    }
    const element = node as Element;
    if (element.matches(this.#skip)) return NodeFilter.FILTER_REJECT;
    if (element.matches(CALL_LINK)) {
      this.#links.push(element as HTMLAnchorElement);
      return NodeFilter.FILTER_REJECT;
    }
    if (this.#options.searchShadowRoots && element.shadowRoot && element !== this.#root) {
      this.#observe(element.shadowRoot);
      this.#enqueueSubtree(element.shadowRoot);
    }
    return NodeFilter.FILTER_SKIP;
  }

  #run(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#jobs.length > 0 && !this.#stopped) {
      const sliceStart = performance.now();
      while (this.#jobs.length > 0 && performance.now() - sliceStart < SLICE_MS) {
        this.#step();
        // Let the controls just made render now, so the slice's clock counts their cost too.
        await renderMicrotasks();
      }
      const slice = performance.now() - sliceStart;
      this.stats.slices += 1;
      this.stats.longestSliceMs = Math.max(this.stats.longestSliceMs, slice);
      if (this.#jobs.length > 0) await yieldToMain();
    }
    this.#running = false;
    this.#settle();
  }

  #settle(): void {
    if (this.#running || this.#jobs.length > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /**
   * One unit of work. The page's own changes so far are handled first; everything the step
   * itself does to the DOM is then dropped from the observer, so the scanner never takes
   * its own splitting for a framework's rewrite.
   */
  #step(): void {
    const pending = this.#observer.takeRecords();
    if (pending.length > 0) this.#onMutations(pending);
    if (this.#stopped || this.#jobs.length === 0) return;
    this.#work();
    this.#observer.takeRecords();
  }

  #work(): void {
    const job = this.#jobs[0]!;
    if (job.kind === 'text') {
      this.#jobs.shift();
      this.#searchText(job.text);
      return;
    }
    // Collect a batch first: wrapping while the walker stands on a node would move it.
    const texts: Text[] = [];
    for (let count = 0; count < WALK_BATCH; count++) {
      const node = job.walker.nextNode();
      if (!node) {
        this.#jobs.shift();
        break;
      }
      texts.push(node as Text);
    }
    for (const text of texts) this.#searchText(text);
    for (const link of this.#links.splice(0)) this.#wrapLink(link);
  }

  /** True under skipped content between the node and the root (the root itself matches `[detect]`). */
  #isInsideSkipped(node: Node): boolean {
    const parent = node.parentElement;
    if (parent === null) return !(node.parentNode instanceof ShadowRoot);
    const skipped = parent.closest(this.#skip);
    return skipped !== null && skipped !== this.#root && this.#root.contains(skipped);
  }

  #searchText(text: Text): void {
    if (!text.isConnected || this.#searched.has(text)) return;
    this.#searched.add(text);
    if (!SEVEN_DIGITS.test(text.data) || this.#isInsideSkipped(text)) return;
    this.stats.textNodesSearched += 1;
    const found = findPhoneNumbers(text.data, this.#options.defaultCountry);
    if (found.length === 0) return;
    const family: ChildNode[] = [];
    // Last first, so earlier offsets stay true while the text is split.
    for (const number of found.reverse()) {
      const after = text.splitText(number.end);
      const digits = text.splitText(number.start);
      this.#searched.add(after);
      this.#searched.add(digits);
      const control = this.#makeControl(number.e164);
      digits.before(control);
      control.append(digits);
      family.unshift(control, after);
      this.#pieceHeads.set(control, text).set(after, text);
      this.stats.numbersWrapped += 1;
    }
    this.#families.set(text, family);
  }

  /**
   * Takes a head's family away. With `restore`, their text goes back into the head, so the
   * node reads whole again (it was moved or detached, and may come back); without, the
   * head already holds what its owner wrote.
   */
  #rejoin(head: Text, restore: boolean): void {
    const family = this.#families.get(head);
    if (!family) return;
    this.#families.delete(head);
    if (restore) head.data += family.map((node) => node.textContent ?? '').join('');
    for (const node of family) {
      if (node instanceof Element) this.#made.delete(node);
      node.remove();
    }
  }

  /** Whether a head's family still stands right after it, as the split left it. */
  #familyInPlace(head: Text): boolean {
    let expected: ChildNode | null = head.nextSibling;
    for (const node of this.#families.get(head) ?? []) {
      if (node !== expected) return false;
      expected = node.nextSibling;
    }
    return true;
  }

  #wrapLink(link: HTMLAnchorElement): void {
    const href = link.getAttribute('href') ?? '';
    let written = href;
    try {
      written = decodeURIComponent(href);
    } catch {
      // A malformed escape: let the number check below refuse it.
    }
    const number = normalizePhoneNumber(written, this.#options.defaultCountry);
    if (!number.ok || link.parentElement?.matches('superfone-call-button')) return;
    const control = this.#makeControl(number.e164);
    link.before(control);
    control.append(link);
    this.stats.linksWrapped += 1;
  }

  #makeControl(e164: string): HTMLElement {
    const control = document.createElement('superfone-call-button');
    control.inline = true;
    control.setAttribute('customer-number', e164);
    control.setAttribute('data-superfone-detected', '');
    this.#made.add(control);
    return control;
  }

  #onMutations(records: MutationRecord[]): void {
    if (this.#stopped) return;
    this.#repairFamilies(records);
    for (const record of records) {
      if (record.type === 'characterData') {
        this.#onTextChanged(record.target as Text);
        continue;
      }
      for (const node of record.addedNodes) {
        if (this.#made.has(node as Element) || (node instanceof Text && this.#searched.has(node))) continue;
        if (node instanceof Text) this.#jobs.push({ kind: 'text', text: node });
        else if (node instanceof Element) this.#enqueueSubtree(node);
      }
    }
    this.#run();
  }

  /** The head a node belongs to, as a head or as one of its pieces. */
  #headOf(node: Node | null): Text | undefined {
    if (node === null) return undefined;
    return node instanceof Text && this.#families.has(node) ? node : this.#pieceHeads.get(node);
  }

  /**
   * Runs at once for every batch of mutations, before anything is drawn: a family whose
   * head was rewritten, removed or moved, whose pieces were removed, or that had something
   * inserted into it (a framework placing a node after "its" text), is taken away, and the
   * head is searched again.
   */
  #repairFamilies(records: MutationRecord[]): void {
    const touched = new Map<Text, { rewritten: boolean }>();
    const touch = (head: Text | undefined, rewritten = false) => {
      if (head && this.#families.has(head)) touched.set(head, { rewritten: rewritten || (touched.get(head)?.rewritten ?? false) });
    };
    for (const record of records) {
      if (record.type === 'characterData') {
        touch(this.#headOf(record.target), record.target instanceof Text && this.#families.has(record.target));
        continue;
      }
      for (const node of record.removedNodes) touch(this.#headOf(node));
      for (const node of record.addedNodes) {
        touch(this.#headOf(node));
        if (!this.#made.has(node as Element) && !this.#pieceHeads.has(node)) touch(this.#headOf(node.previousSibling));
      }
    }
    for (const [head, { rewritten }] of touched) {
      if (!rewritten && head.isConnected && this.#familyInPlace(head)) continue;
      this.#rejoin(head, !rewritten);
      this.#searched.delete(head);
      if (head.isConnected) this.#jobs.push({ kind: 'text', text: head });
    }
    // What this repair did to the DOM is not news to the scanner.
    if (touched.size > 0) this.#observer.takeRecords();
  }

  /** Text edited in place: a wrapped number that changed is unwrapped, then searched again. */
  #onTextChanged(text: Text): void {
    if (this.#families.has(text)) return;
    this.#searched.delete(text);
    const control = text.parentElement;
    if (control && this.#made.has(control)) {
      control.replaceWith(...control.childNodes);
      this.#made.delete(control);
    }
    this.#jobs.push({ kind: 'text', text });
  }
}
