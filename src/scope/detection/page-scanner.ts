import type { CountryCode } from 'libphonenumber-js/min';
import { normalizePhoneNumber } from '../../shared/phone-number.js';
import { adoptMarkStyles, clickedCallLink, DETECTED, isMark, makeMark, wrapInControl } from './call-links.js';
import { findPhoneNumbers, type FoundNumber } from './find-phone-numbers.js';
import { boxOfText, nearScreen } from './near-screen.js';
import { searchInWorker, workerAvailable } from './number-search.js';
import { OffScreenNumbers, type FoundOffScreen } from './off-screen-numbers.js';
import { Fifo, idleTime, yieldToMain } from './work-queue.js';

export interface ScanOptions {
  defaultCountry: CountryCode;
  /** Extra selectors whose content is left alone. */
  ignore: string;
  /** Whether open shadow roots inside the scope are searched too. */
  searchShadowRoots: boolean;
  /** A mark's accessible name for a number as the page writes it ("Call 98450 12345"), in the scope's language. */
  markName(written: string): string;
}

/** What a scan did, for benchmarks and tests. */
export interface ScanStats {
  textNodesSearched: number;
  numbersFound: number;
  /** Numbers on or near the screen get marks first; the others get theirs in idle time, or sooner as scrolling brings them near. */
  numbersMarked: number;
  /** Marks and `tel:` links the agent activated, each now a `<superfone-call-button>`. */
  controlsMade: number;
  slices: number;
  longestSliceMs: number;
}

/**
 * Content that is never touched: code, form fields, editable text, ignored parts, our own
 * controls, and places where no mark can safely go: inside a link or button (a mark there
 * would nest one interactive thing in another) and inside SVG (where an HTML element does
 * not render). A number there stays plain text; a `tel:` link is already callable.
 */
const ALWAYS_SKIP = [
  'script, style, noscript, template, textarea, input, select, option, [contenteditable], [data-superfone-ignore]',
  'superfone-call-button, superfone-click-to-call[detect]',
  'a[href], button, label, summary, [role="button"], [role="link"], svg',
].join(', ');
/** A quick test that a text could hold a phone number at all: seven digits, loosely spaced. */
const SEVEN_DIGITS = /(?:\p{Nd}[^\p{Nd}\n]{0,3}){6}\p{Nd}/u;

/** SEVEN_DIGITS, after a count that turns most text away without running the pattern. */
function mayHoldPhoneNumber(data: string): boolean {
  let digits = 0;
  for (let index = 0; index < data.length && digits < 7; index++) {
    const code = data.charCodeAt(index);
    if (code >= 48 && code <= 57) digits++;
    // Digits of other scripts (०-९, ٠-٩, …): the pattern decides.
    else if (code > 127) return SEVEN_DIGITS.test(data);
  }
  return digits === 7 && SEVEN_DIGITS.test(data);
}
/** Foreground work (walking, numbers on screen) is cut into slices this long, so input is never kept waiting. */
const SLICE_MS = 8;
/** A batch of text this small is searched and marked at once, wherever it is. */
const FEW = 64;
/** Text nodes a walker advances between clock checks. */
const WALK_BATCH = 64;
/** Off-screen text goes to the worker in batches this big: few messages, each answered in tens of milliseconds. */
const WORKER_BATCH = 2_000;

type Job = { kind: 'walk'; root: Element | ShadowRoot; walker: TreeWalker; skipped: ReadonlySet<Element> } | { kind: 'text'; text: Text };

/**
 * Finds phone numbers in the text under a root and marks each with a `tel:` link around its
 * own text, without changing what the page reads. Numbers on or near the screen are
 * searched and marked first; the rest are searched in a worker (or in idle time where none
 * runs) and marked in idle time after, or at once as scrolling brings them near, so that a
 * screen reader's list of links holds every number within seconds. One
 * click handler on the root makes a mark, or any `tel:`/`callto:` link, a call control when
 * the agent activates it. Content added or changed later is picked up by a
 * MutationObserver; only changed nodes are processed.
 *
 * Frameworks keep the text nodes they render and later set `nodeValue` on them, remove or
 * move them. Splitting a node for a number leaves the framework's node as the head (the
 * text before the number), followed by the pieces made from it: its family. When the
 * framework touches a head, the family is taken away at once, in the same turn and before
 * the page is drawn, so no stale number stays callable and the text reads as rendered;
 * then the head is searched again.
 */
export class PageScanner {
  readonly stats: ScanStats = { textNodesSearched: 0, numbersFound: 0, numbersMarked: 0, controlsMade: 0, slices: 0, longestSliceMs: 0 };
  readonly #root: HTMLElement;
  readonly #options: ScanOptions;
  readonly #skip: string;
  readonly #observer: MutationObserver;
  /** Text already searched (and found empty) or produced by our own splitting. */
  readonly #searched = new WeakSet<Text>();
  /** Marks and controls this scanner made, so their own mutations are not rescanned. */
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
  /** Candidate text from walks, not yet sorted into on and off screen. */
  #collected: Text[] = [];
  readonly #onScreen = new Fifo<Text>();
  readonly #offScreen = new Fifo<Text>();
  /** Numbers found off screen, marked as they come near it. */
  readonly #offScreenFound = new OffScreenNumbers((near) => this.#markFound(near));
  /** The first off-screen text of each batch sorted, where document order may break. */
  readonly #batchStarts = new WeakSet<Text>();
  /** Batches of off-screen text the worker is searching now. */
  #inWorker = 0;
  #running = false;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(root: HTMLElement, options: ScanOptions) {
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
    adoptMarkStyles(this.#root.getRootNode() as Document | ShadowRoot);
    this.#root.addEventListener('click', this.#onClick);
    // Scrolling anywhere (the page or a container: capture sees both) may bring numbers near.
    document.addEventListener('scroll', this.#offScreenFound.schedule, { capture: true, passive: true });
    window.addEventListener('resize', this.#offScreenFound.schedule, { passive: true });
    this.#observe(this.#root);
    this.#enqueueSubtree(this.#root);
  }

  stop(): void {
    this.#stopped = true;
    this.#observer.disconnect();
    this.#root.removeEventListener('click', this.#onClick);
    document.removeEventListener('scroll', this.#offScreenFound.schedule, { capture: true });
    window.removeEventListener('resize', this.#offScreenFound.schedule);
    this.#jobs = [];
    this.#collected = [];
    this.#offScreenFound.clear();
    // Detection off: the page gets its own text nodes back, whole.
    for (const root of this.#observedRoots) {
      for (const piece of root.querySelectorAll(`[${DETECTED}]`)) {
        const head = this.#pieceHeads.get(piece);
        if (head) this.#rejoin(head, true);
      }
    }
    this.#settle();
  }

  /** Names the marks not yet used again (the page switched language); a used one is its control's to name. */
  renameMarks(): void {
    for (const root of this.#observedRoots) {
      for (const mark of root.querySelectorAll<HTMLAnchorElement>(`a[${DETECTED}]`)) {
        if (this.#made.has(mark) && mark.parentElement?.localName !== 'superfone-call-button') mark.setAttribute('aria-label', this.#options.markName(mark.textContent ?? ''));
      }
    }
  }

  /** Resolves once everything queued so far has been searched, and what is near the screen marked. */
  whenIdle(): Promise<void> {
    if (!this.#busy()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #busy(): boolean {
    return (
      this.#running ||
      this.#jobs.length > 0 ||
      this.#collected.length > 0 ||
      this.#onScreen.size > 0 ||
      this.#offScreen.size > 0 ||
      this.#inWorker > 0
    );
  }

  #observe(root: Element | ShadowRoot): void {
    this.#observedRoots.push(root);
    this.#observer.observe(root, { childList: true, subtree: true, characterData: true });
  }

  /**
   * Queues a subtree to walk. Its skipped parts are found in one native pass and the walk
   * visits text nodes only: a filter called back for every node costs several times more.
   */
  #enqueueSubtree(root: Element | ShadowRoot): void {
    if (root instanceof Element && root !== this.#root && root.matches(this.#skip)) return;
    const skipped = new Set(root.querySelectorAll(this.#skip));
    skipped.delete(this.#root);
    if (this.#options.searchShadowRoots) {
      const elements = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
      while (elements.nextNode()) {
        const host = elements.currentNode as Element;
        if (!host.shadowRoot || host === this.#root || skipped.has(host) || isUnder(host, skipped, root)) continue;
        this.#observe(host.shadowRoot);
        adoptMarkStyles(host.shadowRoot);
        this.#enqueueSubtree(host.shadowRoot);
      }
    }
    this.#jobs.push({ kind: 'walk', root, walker: document.createTreeWalker(root, NodeFilter.SHOW_TEXT), skipped });
    this.#run();
  }

  #run(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    void this.#drain();
  }

  /**
   * The work, most urgent first: walking and numbers on screen in short foreground slices,
   * then the rest searched in a worker, or in idle time on the main thread where no worker runs.
   */
  async #drain(): Promise<void> {
    // Started from a microtask: everything queued in this turn (5,000 rows added at once,
    // each its own mutation) is sorted together, not one row at a time.
    await Promise.resolve();
    let first = true;
    while (!this.#stopped) {
      if (this.#onScreen.size > 0 || this.#jobs.length > 0) {
        if (!first) await yieldToMain();
        this.#slice(SLICE_MS, () => this.#foregroundStep());
      } else if (this.#offScreen.size > 0 && this.#sendToWorker()) {
        continue;
      } else if (this.#offScreen.size > 0) {
        this.#slice(await idleTime(), () => this.#searchOffScreenStep());
      } else {
        break;
      }
      first = false;
    }
    this.#running = false;
    this.#settle();
  }

  /**
   * Steps until the budget is spent or the work is done. The page's own changes so far are
   * handled before each step; everything a step itself does to the DOM is then dropped from
   * the observer, so the scanner never takes its own splitting for a framework's rewrite.
   */
  #slice(budgetMs: number, step: () => boolean): void {
    const sliceStart = performance.now();
    do {
      this.#catchUpWithPage();
      if (this.#stopped || !step()) break;
      this.#observer.takeRecords();
    } while (performance.now() - sliceStart < budgetMs);
    const slice = performance.now() - sliceStart;
    this.stats.slices += 1;
    this.stats.longestSliceMs = Math.max(this.stats.longestSliceMs, slice);
  }

  /** Handles the page's own changes so far, before the scanner changes the DOM itself. */
  #catchUpWithPage(): void {
    const pending = this.#observer.takeRecords();
    if (pending.length > 0) this.#onMutations(pending);
  }

  #settle(): void {
    if (this.#busy()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #foregroundStep(): boolean {
    const visible = this.#onScreen.shift();
    if (visible) {
      this.#mark(visible, this.#search(visible));
      return true;
    }
    const job = this.#jobs[0];
    if (!job) return false;
    if (job.kind === 'text') {
      this.#jobs.shift();
      if (!this.#isInsideSkipped(job.text)) this.#collect(job.text);
    } else {
      for (let count = 0; count < WALK_BATCH; count++) {
        const text = job.walker.nextNode() as Text | null;
        if (!text) {
          this.#jobs.shift();
          break;
        }
        if (!isUnder(text, job.skipped, job.root)) this.#collect(text);
      }
    }
    if (this.#jobs.length === 0) this.#sortByScreen();
    return true;
  }

  #collect(text: Text): void {
    if (text.isConnected && !this.#searched.has(text) && mayHoldPhoneNumber(text.data)) this.#collected.push(text);
  }

  /** Few candidates are searched at once; of many, those on or near the screen first. */
  #sortByScreen(): void {
    const texts = this.#collected.splice(0);
    if (texts.length <= FEW) return this.#onScreen.push(texts);
    const [from, to] = nearScreen(texts, boxOfText);
    this.#onScreen.push(texts.slice(from, to));
    // In document order, as the walk met them; only where one batch follows another may the order break.
    const offScreen = texts.slice(0, from).concat(texts.slice(to));
    if (offScreen.length > 0) this.#batchStarts.add(offScreen[0]!);
    this.#offScreen.push(offScreen);
  }

  /** Sends off-screen text to the worker; false where no worker can run, and the main thread searches. */
  #sendToWorker(): boolean {
    if (!workerAvailable()) return false;
    const texts: Text[] = [];
    while (texts.length < WORKER_BATCH && this.#offScreen.size > 0) {
      const text = this.#offScreen.shift()!;
      if (!text.isConnected || this.#searched.has(text)) continue;
      this.#searched.add(text);
      texts.push(text);
    }
    if (texts.length === 0) return true;
    const data = texts.map((text) => text.data);
    const reply = searchInWorker(data, this.#options.defaultCountry);
    if (!reply) {
      this.#searchHere(texts);
      return false;
    }
    this.#inWorker += 1;
    reply.then(
      (found) => {
        if (this.#stopped) return;
        this.stats.textNodesSearched += texts.length;
        // A batch may come back after others were found: its order against them is checked once.
        this.#offScreenFound.startBatch();
        texts.forEach((text, index) => {
          const numbers = found[index]!;
          this.stats.numbersFound += numbers.length;
          // Changed while in the worker: the change queued it again.
          if (text.data === data[index]) this.#found(text, numbers);
        });
      },
      // No worker after all: the main thread searches these too.
      () => this.#searchHere(texts),
    ).finally(() => {
      this.#inWorker -= 1;
      this.#run();
      this.#settle();
    });
    return true;
  }

  /** Gives text taken for the worker back to the main thread's idle search, after what is queued. */
  #searchHere(texts: Text[]): void {
    for (const text of texts) this.#searched.delete(text);
    this.#batchStarts.add(texts[0]!);
    this.#offScreen.push(texts);
  }

  #searchOffScreenStep(): boolean {
    const text = this.#offScreen.shift();
    if (!text) return false;
    this.#found(text, this.#search(text));
    return true;
  }

  /** Keeps numbers found off screen for marking when they come near it. */
  #found(text: Text, numbers: readonly FoundNumber[]): void {
    if (this.#batchStarts.delete(text)) this.#offScreenFound.startBatch();
    this.#offScreenFound.add(text, numbers);
  }

  /** Marks numbers found off screen that came near it. */
  #markFound(near: FoundOffScreen[]): void {
    if (this.#stopped) return;
    this.#catchUpWithPage();
    for (const { text, data, numbers } of near) {
      // Changed since it was searched: the change queued it again.
      if (text.isConnected && text.data === data && !this.#families.has(text) && !this.#isInsideSkipped(text)) this.#mark(text, numbers);
    }
    this.#observer.takeRecords();
  }

  /** True under skipped content between the node and the root (the root itself matches `[detect]`). */
  #isInsideSkipped(node: Node): boolean {
    const parent = node.parentElement;
    if (parent === null) return !(node.parentNode instanceof ShadowRoot);
    const skipped = parent.closest(this.#skip);
    return skipped !== null && skipped !== this.#root && this.#root.contains(skipped);
  }

  #search(text: Text): readonly FoundNumber[] {
    if (!text.isConnected || this.#searched.has(text)) return [];
    this.#searched.add(text);
    this.stats.textNodesSearched += 1;
    const numbers = findPhoneNumbers(text.data, this.#options.defaultCountry);
    this.stats.numbersFound += numbers.length;
    return numbers;
  }

  #mark(text: Text, numbers: readonly FoundNumber[]): void {
    if (numbers.length === 0) return;
    const family: ChildNode[] = [];
    // Last first, so earlier offsets stay true while the text is split.
    for (const number of [...numbers].reverse()) {
      const after = text.splitText(number.end);
      const digits = text.splitText(number.start);
      this.#searched.add(after);
      this.#searched.add(digits);
      const mark = makeMark(number.e164, this.#options.markName(digits.data));
      this.#made.add(mark);
      digits.before(mark);
      mark.append(digits);
      family.unshift(mark, after);
      this.#pieceHeads.set(mark, text).set(after, text);
      this.stats.numbersMarked += 1;
    }
    this.#families.set(text, family);
  }

  /** A plain click on a mark or a `tel:`/`callto:` link in the scope places the call through Superfone. */
  readonly #onClick = (event: MouseEvent): void => {
    const link = clickedCallLink(event);
    if (!link || this.#isInsideSkipped(link)) return;
    const e164 = isMark(link) && this.#made.has(link) ? link.getAttribute('href')!.slice('tel:'.length) : this.#linkNumber(link);
    // A number it cannot call (a short code, say) keeps the browser's default.
    if (!e164) return;
    event.preventDefault();
    void this.#activate(link, e164)?.start();
  };

  #linkNumber(link: HTMLAnchorElement): string | null {
    const href = link.getAttribute('href') ?? '';
    let written = href;
    try {
      written = decodeURIComponent(href);
    } catch {
      // A malformed escape: let the number check below refuse it.
    }
    const number = normalizePhoneNumber(written, this.#options.defaultCountry);
    return number.ok ? number.e164 : null;
  }

  /** Wraps the link in a control; a mark's family then holds the control in its place. */
  #activate(link: HTMLAnchorElement, e164: string): HTMLElementTagNameMap['superfone-call-button'] | null {
    this.#catchUpWithPage();
    if (!link.isConnected) return null;
    const control = wrapInControl(link, e164);
    this.#made.add(control);
    this.#replacePiece(link, control);
    this.#observer.takeRecords();
    this.stats.controlsMade += 1;
    return control;
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

  /** A piece now stands in the page as `replacement` (a mark made a control, or plain text again): its family holds that instead. */
  #replacePiece(piece: ChildNode, replacement: ChildNode): void {
    const head = this.#pieceHeads.get(piece);
    const family = head && this.#families.get(head);
    if (!head || !family?.includes(piece)) return;
    family[family.indexOf(piece)] = replacement;
    this.#pieceHeads.set(replacement, head);
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
        else if (node instanceof Element && !this.#isInsideSkipped(node)) this.#enqueueSubtree(node);
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

  /** A number's own text edited in place (a recycled row): it becomes plain text again, then is searched again. */
  #onTextChanged(text: Text): void {
    if (this.#families.has(text)) return;
    this.#searched.delete(text);
    const mark = text.parentElement;
    if (isMark(mark) && this.#made.has(mark)) {
      const control = mark.parentElement;
      const wrapper = control && this.#made.has(control) ? control : mark;
      wrapper.replaceWith(...mark.childNodes);
      this.#made.delete(wrapper);
      this.#replacePiece(wrapper, text);
    }
    this.#jobs.push({ kind: 'text', text });
  }
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
