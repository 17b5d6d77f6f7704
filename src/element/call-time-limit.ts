import type { ReactiveController, ReactiveControllerHost } from 'lit';

import { activeCalls, agentKeyFor } from './active-calls.js';
import type { KnownCall } from './call-session-host.js';

/**
 * A control's `max-duration`: its call is ended at the deadline the agent's shared call
 * carries (`endsAt`, set by the control that placed it), once across tabs. Every tab showing
 * the call arms a timer; at the deadline they queue on one Web Lock, and only the first to
 * find the call still on ends it. Comes with the calling chunk: only a call has a deadline.
 */
export class CallTimeLimit implements ReactiveController {
  readonly #end: () => Promise<void>;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `end` ends the control's call, for the reason `max-duration`. */
  constructor(host: ReactiveControllerHost, end: () => Promise<void>) {
    this.#end = end;
    host.addController(this);
  }

  /** Sets the timer for the call's deadline, if the agent's shared call has one. */
  arm(call: KnownCall): void {
    this.clear();
    const agentKey = agentKeyFor(call.agentNumber, call.proxyUrl);
    const shared = activeCalls().get(agentKey);
    if (!shared?.endsAt) return;
    this.#timer = setTimeout(
      () => {
        const endOnce = async () => {
          if (activeCalls().get(agentKey)?.notificationId === shared.notificationId) await this.#end();
        };
        if (navigator.locks) void navigator.locks.request(`superfone-call-button:end:${agentKey}`, endOnce);
        else void endOnce();
      },
      Math.max(0, shared.endsAt - Date.now()),
    );
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  hostDisconnected(): void {
    this.clear();
  }
}
