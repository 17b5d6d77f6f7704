import { loadCatalogue } from './messages.js';

/**
 * The calling chunk (number handling, libphonenumber-js and its metadata, is most of the
 * package's weight) is needed by no control to render or to take a click. It is loaded in
 * idle time after the first control renders, and at the latest on the first click, which waits for it.
 */
type CallingChunk = typeof import('./calling-chunk.js');

let loaded: CallingChunk | null = null;
let loading: Promise<CallingChunk> | null = null;
/** One idle callback for the whole page, however many controls render first. */
let scheduled = false;
const waiting = new Set<() => void>();

/** The module once loaded; `null` before. */
export function callingChunk(): CallingChunk | null {
  return loaded;
}

export function loadCallingChunk(): Promise<CallingChunk> {
  // English words come with number handling: nothing past a control's first render needs
  // either one without the other (another language loads before its control first renders).
  loading ??= Promise.all([import('./calling-chunk.js'), loadCatalogue('en')]).then(([module]) => {
    loaded = module;
    // The page's live region, in place before there is anything to say, so the first words are heard.
    module.prepareAnnouncer();
    for (const listener of [...waiting]) listener();
    waiting.clear();
    return module;
  });
  return loading;
}

/** Starts loading when the browser is idle (or soon, where it cannot say). */
export function loadCallingChunkWhenIdle(): void {
  if (loading || scheduled) return;
  scheduled = true;
  const later = globalThis.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 50));
  later(() => void loadCallingChunk(), { timeout: 1_000 });
}

/** Runs `listener` once number handling has loaded (at once if it has). */
export function whenCallingChunkLoads(listener: () => void): void {
  if (loaded) listener();
  else waiting.add(listener);
}

/** `+918000000001` as people read it (`+91 80000 00001`) once formatting has loaded; as it is before. */
export function displayNumber(e164: string): string {
  return loaded ? loaded.formatForDisplay(e164) : e164;
}
