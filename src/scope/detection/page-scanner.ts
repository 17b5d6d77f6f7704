import { CallLinkClicks, type CallLinkOptions } from './call-link-clicks.js';
import { adoptMarkStyles, wrapInControl } from './call-links.js';
import { findPhoneNumbers, type FoundNumber } from './find-phone-numbers.js';
import { boxOfText, nearScreen } from './near-screen.js';
import { type FoundOffScreen, OffScreenNumbers } from './off-screen-numbers.js';
import { isInsideSkipped, mayHoldPhoneNumber, shadowRootsIn, skipSelector, startWalk, type Walk, walkSome } from './page-walk.js';
import { TextFamilies } from './text-families.js';
import { Fifo, idleTime, yieldToMain } from './work-queue.js';
import { WorkerBatches } from './worker-batches.js';

export interface ScanOptions extends CallLinkOptions {
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

/** Foreground work (walking, numbers on screen) is cut into slices this long, so input is never kept waiting. */
const SLICE_MS = 8;
/** A batch of text this small is searched and marked at once, wherever it is. */
const FEW = 64;

type Job = ({ kind: 'walk' } & Walk) | { kind: 'text'; text: Text };

/**
 * Finds phone numbers in the text under a root and marks each with a `tel:` link around its
 * own text, without changing what the page reads. Numbers on or near the screen are
 * searched and marked first; the rest are searched in a worker (or in idle time where none
 * runs) and marked in idle time after, or at once as scrolling brings them near, so that a
 * screen reader's list of links holds every number within seconds. Content added or changed
 * later is picked up by a MutationObserver; only changed nodes are processed, and a split
 * node a framework rewrites gets its text back whole (./text-families.ts). Which text is
 * read, and the walk: ./page-walk.ts; what a mark is and what a click on one dials:
 * ./call-links.ts, and the click itself: ./call-link-clicks.ts; batches for the worker:
 * ./worker-batches.ts.
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
  readonly #families = new TextFamilies(this.#made, this.#searched);
  /** The root and the shadow roots observed, to find every family when detection stops. */
  readonly #observedRoots: ParentNode[] = [];
  #jobs: Job[] = [];
  /** Candidate text from walks, not yet sorted into on and off screen. */
  #collected: Text[] = [];
  readonly #onScreen = new Fifo<Text>();
  readonly #offScreen = new Fifo<Text>();
  /** Numbers found off screen, marked as they come near it. */
  readonly #offScreenFound = new OffScreenNumbers((near) => this.#markFound(near));
  /** The first off-screen text of each batch sorted, where document order may break. */
  readonly #batchStarts = new WeakSet<Text>();
  readonly #worker: WorkerBatches;
  readonly #clicks: CallLinkClicks;
  #running = false;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(root: HTMLElement, options: ScanOptions) {
    this.#root = root;
    this.#options = options;
    // Fails now, with the integrator's selector named, rather than deep in a scan.
    this.#skip = skipSelector(root, options.ignore);
    this.#observer = new MutationObserver((records) => this.#onMutations(records));
    this.#worker = new WorkerBatches(options.defaultCountry, {
      found: (texts, data, found) => this.#foundInWorker(texts, data, found),
      refused: (texts) => this.#searchHere(texts),
      settled: () => {
        this.#run();
        this.#settle();
      },
    });
    this.#clicks = new CallLinkClicks({
      root,
      skip: this.#skip,
      options,
      madeHere: (link) => this.#made.has(link),
      makeControl: (link, e164) => this.#makeControl(link, e164),
    });
  }

  start(): void {
    adoptMarkStyles(this.#root.getRootNode() as Document | ShadowRoot);
    this.#clicks.start();
    // Scrolling anywhere (the page or a container: capture sees both) may bring numbers near.
    document.addEventListener('scroll', this.#offScreenFound.schedule, { capture: true, passive: true });
    window.addEventListener('resize', this.#offScreenFound.schedule, { passive: true });
    this.#observe(this.#root);
    this.#enqueueSubtree(this.#root);
  }

  stop(): void {
    this.#stopped = true;
    this.#observer.disconnect();
    this.#clicks.stop();
    document.removeEventListener('scroll', this.#offScreenFound.schedule, { capture: true });
    window.removeEventListener('resize', this.#offScreenFound.schedule);
    this.#jobs = [];
    this.#collected = [];
    this.#offScreenFound.clear();
    // Detection off: the page gets its own text nodes back, whole.
    this.#families.rejoinAll(this.#observedRoots);
    this.#settle();
  }

  /** Names the marks not yet used again (the page switched language); a used one is its control's to name. */
  renameMarks(): void {
    this.#families.renameMarks(this.#observedRoots, this.#options.markName);
  }

  /** Resolves once everything queued so far has been searched, and what is near the screen marked. */
  whenIdle(): Promise<void> {
    if (!this.#busy()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #busy(): boolean {
    return this.#running || this.#jobs.length > 0 || this.#collected.length > 0 || this.#onScreen.size > 0 || this.#offScreen.size > 0 || this.#worker.inFlight > 0;
  }

  #observe(root: Element | ShadowRoot): void {
    this.#observedRoots.push(root);
    this.#observer.observe(root, { childList: true, subtree: true, characterData: true });
  }

  /** Queues a subtree to walk, and the open shadow roots in it when the scope searches them. */
  #enqueueSubtree(root: Element | ShadowRoot): void {
    const walk = startWalk(root, this.#skip, this.#root);
    if (!walk) return;
    if (this.#options.searchShadowRoots) {
      for (const shadowRoot of shadowRootsIn(walk, this.#root)) {
        this.#observe(shadowRoot);
        adoptMarkStyles(shadowRoot);
        this.#enqueueSubtree(shadowRoot);
      }
    }
    this.#jobs.push({ kind: 'walk', ...walk });
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
      } else if (this.#offScreen.size > 0 && this.#worker.send(this.#offScreen, this.#searched)) {
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
      if (!isInsideSkipped(job.text, this.#skip, this.#root)) this.#collect(job.text);
    } else if (!walkSome(job, (text) => this.#collect(text))) {
      this.#jobs.shift();
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

  /** Numbers the worker found in a batch of off-screen text, kept for marking as they come near the screen. */
  #foundInWorker(texts: Text[], data: string[], found: Array<readonly FoundNumber[]>): void {
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
      if (text.isConnected && text.data === data && !this.#families.has(text) && !isInsideSkipped(text, this.#skip, this.#root)) this.#mark(text, numbers);
    }
    this.#observer.takeRecords();
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
    this.stats.numbersMarked += this.#families.split(text, numbers, this.#options.markName);
  }

  /** Wraps the link in a control; a mark's family then holds the control in its place. */
  #makeControl(link: HTMLAnchorElement, e164: string): HTMLElementTagNameMap['superfone-call-button'] | null {
    this.#catchUpWithPage();
    if (!link.isConnected) return null;
    const control = wrapInControl(link, e164);
    this.#made.add(control);
    this.#families.replacePiece(link, control);
    this.#observer.takeRecords();
    this.stats.controlsMade += 1;
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
        else if (node instanceof Element && !isInsideSkipped(node, this.#skip, this.#root)) this.#enqueueSubtree(node);
      }
    }
    this.#run();
  }

  /**
   * Runs at once for every batch of mutations, before anything is drawn: a family its
   * framework touched is taken away, and the head is searched again.
   */
  #repairFamilies(records: MutationRecord[]): void {
    const touched = this.#families.touchedBy(records);
    for (const [head, { rewritten }] of touched) {
      if (!rewritten && head.isConnected && this.#families.inPlace(head)) continue;
      this.#families.rejoin(head, !rewritten);
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
    this.#families.unmark(text);
    this.#jobs.push({ kind: 'text', text });
  }
}
