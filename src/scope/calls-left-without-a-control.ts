import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';

import type { CallDetail } from '../element/call-events.js';
import { callingChunk } from '../element/calling-chunk-loader.js';

/** A call on, whose control left the page: what a control needs to take it over. */
export interface CallLeftWithoutAControl {
  customerNumber: string;
  agentNumber: string | null;
  proxyUrl: string;
}

/**
 * Calls placed from inside a scope whose control left the page while the call went on: a
 * detected number edited away in a note, the row holding it removed. Without this, only
 * another row's "End current call" could end such a call. The scope then shows a control
 * of its own for it, which takes the call over (End, its state, its record) until it ends.
 * Loaded by the scope with the first call placed inside it: most pages never need it up front.
 */
export class CallsLeftWithoutAControl implements ReactiveController {
  /** The call on with no control for it in the page, once there is one. */
  left: CallLeftWithoutAControl | null = null;

  readonly #host: ReactiveControllerHost & HTMLElement;
  #placed: { control: HTMLElement; call: CallLeftWithoutAControl } | null = null;
  #observer: MutationObserver | null = null;
  #unwatch: (() => void) | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#forget();
  }

  /**
   * A call was started inside the scope (`path`, the event's composed path, read as it was
   * dispatched): one from a control of its own, not the scope's and not a nested scope's,
   * is watched until it ends.
   */
  placed(path: EventTarget[], detail: CallDetail): void {
    const control = path[0];
    if (!(control instanceof HTMLElement) || control.getRootNode() === this.#host.shadowRoot) return;
    if (path.find((node) => node instanceof (this.#host.constructor as typeof HTMLElement)) !== this.#host) return;
    const { customerNumber, agentNumber } = detail;
    this.#forget();
    this.#placed = { control, call: { customerNumber, agentNumber, proxyUrl: (control as HTMLElement & { proxyUrl: string }).proxyUrl } };
    // Watched only while a call from here is on: a page's mutations cost nothing otherwise.
    this.#observer = new MutationObserver(this.#check);
    this.#observer.observe(this.#host, { childList: true, subtree: true });
    this.#unwatch = callingChunk()!.activeCalls().watch(this.#check);
    // The control may have gone while this module loaded.
    this.#check();
  }

  /** The control for the call left without one, to render after the scope's content. */
  render() {
    const left = this.left;
    return left
      ? html`<superfone-call-button part="call-left" customer-number=${left.customerNumber} agent-number=${left.agentNumber ?? nothing} proxy-url=${left.proxyUrl}></superfone-call-button>`
      : nothing;
  }

  readonly #check = (): void => {
    const placed = this.#placed;
    if (!placed) return;
    if (!this.#stillOn(placed.call)) return this.#callOver();
    if (!placed.control.isConnected && !this.left) {
      this.left = placed.call;
      this.#observer?.disconnect();
      this.#observer = null;
      this.#host.requestUpdate();
    }
  };

  /** Whether the agent's call shared across tabs is still this one. */
  #stillOn(call: CallLeftWithoutAControl): boolean {
    const numbers = callingChunk()!;
    return numbers.activeCalls().get(numbers.agentKeyFor(call.agentNumber, call.proxyUrl))?.customerNumber === call.customerNumber;
  }

  /** The call ended: its control of last resort goes once nobody is using it (focus moves on), having said how it went. */
  #callOver(): void {
    this.#stopWatching();
    const shown = this.#host.shadowRoot?.querySelector('superfone-call-button');
    if (!this.left || !shown || !shown.matches(':focus-within')) return this.#forget();
    shown.addEventListener('focusout', () => this.#forget(), { once: true });
  }

  #stopWatching(): void {
    this.#observer?.disconnect();
    this.#observer = null;
    this.#unwatch?.();
    this.#unwatch = null;
    this.#placed = null;
  }

  #forget(): void {
    this.#stopWatching();
    if (this.left) {
      this.left = null;
      this.#host.requestUpdate();
    }
  }
}
