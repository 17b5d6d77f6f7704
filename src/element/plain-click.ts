/**
 * Whether a click is a plain one: the primary button, no modifier. Only a plain click on a
 * call link calls through Superfone; a modifier or non-primary click keeps the browser's
 * default (a new tab, the system's dialer), on a control's slotted link and a mark alike.
 */
export function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
}
