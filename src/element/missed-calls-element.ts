import { loadCallingChunk } from './calling-chunk-loader.js';

/**
 * `<superfone-missed-calls>`: the agent's missed calls, each with Call back. Defined up
 * front with the button, its code comes after number handling (which it uses to show the
 * numbers), only when one is on the page: this class is all a page pays until then.
 *
 * @tagname superfone-missed-calls
 * @summary The signed-in agent's unreturned missed calls, newest first, with Call back.
 * @fires superfone-missed-call - A new missed call arrived while the page was open: `{ customerNumber, at, contactName }`.
 * @attr agent-number - The agent whose missed calls to show, where sign-in does not name them (on this machine only); else the scope's.
 * @attr proxy-url - The proxy's call URL; else the scope's, else `/api/superfone/call`.
 * @csspart list - The list; `item`, `number`, `name`, `time`, `dismiss`, `empty`, `message` its pieces.
 */
/** `HTMLElement`, or a stand-in where there is none (server rendering imports this module too). */
const ElementBase = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

export class SuperfoneMissedCalls extends ElementBase {
  /** Set by the view once attached: stops its stream and timers when the element leaves the page. */
  detach?: () => void;

  connectedCallback(): void {
    void loadCallingChunk()
      .then((numbers) => numbers.missedCallsView())
      .then((view) => this.isConnected && view.attach(this));
  }

  disconnectedCallback(): void {
    this.detach?.();
  }
}
