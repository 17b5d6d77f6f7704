import { DETECTED, isMark, makeMark } from './call-links.js';
import type { FoundNumber } from './find-phone-numbers.js';

/**
 * Text nodes split for their numbers, and the pieces made from them. Frameworks keep the
 * text nodes they render and later set `nodeValue` on them, remove or move them. Splitting a
 * node for a number leaves the framework's node as the head (the text before the number),
 * followed by the pieces made from it: its family (marks, and the text between them). When
 * the framework touches a head, the family is taken away at once, in the same turn and
 * before the page is drawn, so no stale number stays callable and the text reads as
 * rendered; then the head is searched again.
 */
export class TextFamilies {
  /**
   * A split text node (the node its page or framework owns) → the pieces made from it, in
   * order. Weak: a family lives as long as its node, even detached (a framework may keep a
   * subtree aside and put it back), and goes with it.
   */
  readonly #families = new WeakMap<Text, ChildNode[]>();
  /** Each piece → the head it was split from. */
  readonly #pieceHeads = new WeakMap<Node, Text>();
  /** Marks and controls detection made (shared with the scanner, which skips their mutations). */
  readonly #made: WeakSet<Element>;
  /** Text searched already (shared with the scanner): the pieces are never searched again. */
  readonly #searched: WeakSet<Text>;

  constructor(made: WeakSet<Element>, searched: WeakSet<Text>) {
    this.#made = made;
    this.#searched = searched;
  }

  /** Whether `text` is a head with its family. */
  has(text: Text): boolean {
    return this.#families.has(text);
  }

  /** Whether `node` is one of the pieces made by a split. */
  isPiece(node: Node): boolean {
    return this.#pieceHeads.has(node);
  }

  /** The head a node belongs to, as a head or as one of its pieces. */
  headOf(node: Node | null): Text | undefined {
    if (node === null) return undefined;
    return node instanceof Text && this.#families.has(node) ? node : this.#pieceHeads.get(node);
  }

  /**
   * Splits `text` around each number and wraps each in a mark named by `markName` (its
   * written form in), leaving `text` as the head; returns how many marks were made.
   */
  split(text: Text, numbers: readonly FoundNumber[], markName: (written: string) => string): number {
    if (numbers.length === 0) return 0;
    const family: ChildNode[] = [];
    // Last first, so earlier offsets stay true while the text is split.
    for (const number of [...numbers].reverse()) {
      const after = text.splitText(number.end);
      const digits = text.splitText(number.start);
      this.#searched.add(after);
      this.#searched.add(digits);
      const mark = makeMark(number.e164, markName(digits.data));
      this.#made.add(mark);
      digits.before(mark);
      mark.append(digits);
      family.unshift(mark, after);
      this.#pieceHeads.set(mark, text).set(after, text);
    }
    this.#families.set(text, family);
    return numbers.length;
  }

  /**
   * Takes a head's family away. With `restore`, their text goes back into the head, so the
   * node reads whole again (it was moved or detached, and may come back); without, the
   * head already holds what its owner wrote.
   */
  rejoin(head: Text, restore: boolean): void {
    const family = this.#families.get(head);
    if (!family) return;
    this.#families.delete(head);
    if (restore) head.data += family.map((node) => node.textContent ?? '').join('');
    for (const node of family) {
      if (node instanceof Element) this.#made.delete(node);
      node.remove();
    }
  }

  /** Every family under `roots` taken away, the page's text nodes whole again (detection turned off). */
  rejoinAll(roots: readonly ParentNode[]): void {
    for (const root of roots) {
      for (const piece of root.querySelectorAll(`[${DETECTED}]`)) {
        const head = this.#pieceHeads.get(piece);
        if (head) this.rejoin(head, true);
      }
    }
  }

  /** Names the marks under `roots` not yet used again (the page switched language); a used one is its control's to name. */
  renameMarks(roots: readonly ParentNode[], markName: (written: string) => string): void {
    for (const root of roots) {
      for (const mark of root.querySelectorAll<HTMLAnchorElement>(`a[${DETECTED}]`)) {
        if (this.#made.has(mark) && mark.parentElement?.localName !== 'superfone-call-button') mark.setAttribute('aria-label', markName(mark.textContent ?? ''));
      }
    }
  }

  /** A piece now stands in the page as `replacement` (a mark made a control, or plain text again): its family holds that instead. */
  replacePiece(piece: ChildNode, replacement: ChildNode): void {
    const head = this.#pieceHeads.get(piece);
    const family = head && this.#families.get(head);
    if (!head || !family?.includes(piece)) return;
    family[family.indexOf(piece)] = replacement;
    this.#pieceHeads.set(replacement, head);
  }

  /** A mark's own text was edited in place (a recycled row): the mark, or the control made from it, gives way to the text. */
  unmark(text: Text): void {
    const mark = text.parentElement;
    if (!isMark(mark) || !this.#made.has(mark)) return;
    const control = mark.parentElement;
    const wrapper = control && this.#made.has(control) ? control : mark;
    wrapper.replaceWith(...mark.childNodes);
    this.#made.delete(wrapper);
    this.replacePiece(wrapper, text);
  }

  /** Whether a head's family still stands right after it, as the split left it. */
  inPlace(head: Text): boolean {
    let expected: ChildNode | null = head.nextSibling;
    for (const node of this.#families.get(head) ?? []) {
      if (node !== expected) return false;
      expected = node.nextSibling;
    }
    return true;
  }

  /**
   * The heads a batch of mutations touched: rewritten, removed or moved, their pieces
   * removed, or something inserted into the family (a framework placing a node after "its"
   * text). `rewritten` when the head's own text was set.
   */
  touchedBy(records: readonly MutationRecord[]): Map<Text, { rewritten: boolean }> {
    const touched = new Map<Text, { rewritten: boolean }>();
    const touch = (head: Text | undefined, rewritten = false) => {
      if (head && this.#families.has(head)) touched.set(head, { rewritten: rewritten || (touched.get(head)?.rewritten ?? false) });
    };
    for (const record of records) {
      if (record.type === 'characterData') {
        touch(this.headOf(record.target), record.target instanceof Text && this.#families.has(record.target));
        continue;
      }
      for (const node of record.removedNodes) touch(this.headOf(node));
      for (const node of record.addedNodes) {
        touch(this.headOf(node));
        if (!this.#made.has(node as Element) && !this.#pieceHeads.has(node)) touch(this.headOf(node.previousSibling));
      }
    }
    return touched;
  }
}
