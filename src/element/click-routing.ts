import { isPlainClick } from './plain-click.js';
import type { ControlView } from './view/call-view.js';

/** What a control's clicks can ask of its call (./call-session.ts). */
export interface ClickActions {
  /** End while a call is certain, else Call (or Try again). */
  primaryAction(): void;
  end(reason: 'user'): Promise<void>;
  endBusyCall(): void;
}

/** The parts of a control a click may land on. */
export interface ClickedControl {
  readonly renderRoot: ParentNode;
  /** With `inline`, the slotted `tel:` link that is the control; else `null`. */
  readonly link: HTMLAnchorElement | null;
  /** What the second button ends, read only when it is the one clicked. */
  second(): ControlView['second'];
}

/**
 * Routes every click on a control: on one of its buttons (the first is the main one, the
 * second ends a call), or on a slotted `tel:` link, where a plain click calls through
 * Superfone and a modifier-click keeps the browser's default (a new tab, a copy).
 */
export function routeClick(event: MouseEvent, control: ClickedControl, actions: ClickActions): void {
  const { link } = control;
  if (link && event.target instanceof Node && link.contains(event.target)) {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    return actions.primaryAction();
  }
  const path = event.composedPath();
  const index = [...control.renderRoot.querySelectorAll('button')].findIndex((button) => path.includes(button));
  if (index === 0) return actions.primaryAction();
  if (index < 0) return;
  const ends = control.second()?.ends;
  if (ends === 'this-call') void actions.end('user');
  else if (ends === 'busy-call') actions.endBusyCall();
}
