import { type CallSettings, effectiveSettings, inheritSettings, UNSET } from './scope-context.js';

/**
 * A control's settings: its own, over its scope's, over the defaults. What they come to is
 * worked out once for every read until one of them changes.
 */
export class ControlSettings {
  /** Settings set on the control; unset ones come from the scope, then the defaults. */
  #own: CallSettings = UNSET;
  #scope: CallSettings | undefined;
  #effective: ReturnType<typeof effectiveSettings> | null = null;

  /** The nearest scope's settings, as the scope last gave them. */
  get scope(): CallSettings | undefined {
    return this.#scope;
  }

  set scope(settings: CallSettings | undefined) {
    this.#scope = settings;
    this.#effective = null;
  }

  /** What the settings come to now. */
  get value(): ReturnType<typeof effectiveSettings> {
    return (this.#effective ??= effectiveSettings(inheritSettings(this.#own, this.#scope)));
  }

  /** Sets some of the control's own settings. */
  set(settings: Partial<CallSettings>): void {
    this.#own = { ...this.#own, ...settings };
    this.#effective = null;
  }
}
