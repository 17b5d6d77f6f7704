/**
 * The controls in the page. What every control must hear (number handling loading, the
 * page's language changing) is heard by one listener each and told to all of them: a table
 * of a thousand controls would otherwise make and keep two thousand listeners.
 */
export class PageControls<Control> {
  readonly #connected = new Set<Control>();
  readonly #listen: (forEach: (tell: (control: Control) => void) => void) => void;
  #listening = false;

  /** `listen` is called once, when the first control connects: it subscribes to what every control must hear. */
  constructor(listen: (forEach: (tell: (control: Control) => void) => void) => void) {
    this.#listen = listen;
  }

  add(control: Control): void {
    this.#connected.add(control);
    if (this.#listening) return;
    this.#listening = true;
    this.#listen((tell) => {
      for (const connected of this.#connected) tell(connected);
    });
  }

  delete(control: Control): void {
    this.#connected.delete(control);
  }
}
