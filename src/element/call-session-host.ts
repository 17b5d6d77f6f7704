import type { ReactiveControllerHost } from 'lit';

import type { CallStartDetail } from './call-events.js';
import type { CallButtonMessages } from './messages/catalogue.js';
import type { Readiness } from './number-check.js';
import type { TokenSource } from './scope-context.js';

/** A call a control can end: the numbers, the proxy that started it, and its id there when it can be followed. */
export type KnownCall = CallStartDetail & { proxyUrl: string; notificationId: number | null; callId: string | null };

/** What the session needs of the element it serves: what the page sees of it too. */
export interface CallSessionHost extends ReactiveControllerHost, Element {
  readonly hasUpdated: boolean;
  readonly proxyUrl: string;
  readonly getToken: TokenSource | null;
  readonly maxDuration: number | null;
  readonly disabled: boolean;
}

/**
 * What the session reads of its control that the page does not see: one object for every
 * control of a kind, each function given the control, so no control carries closures of its own.
 */
export interface ControlInternals<Host> {
  /** The numbers as last checked; `null` until number handling has loaded. */
  readiness(control: Host): Readiness | null;
  /** The words for what the session announces and shows, in the control's language. */
  words(control: Host): CallButtonMessages;
  /** That language, for `Intl` (durations). */
  language(control: Host): string;
  /** Loads number handling (and the words) if they have not loaded, and checks the numbers. */
  checkNumbers(control: Host): Promise<void>;
}
