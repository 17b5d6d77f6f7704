// Where numbers become controls: the content script is registered for the listed sites and
// nowhere else, by the service worker alone (two registrations at once in two contexts
// fail, or never settle): at start-up, when the options page saves, when an admin's
// managed settings change.
import { checkSettings, sitePatterns, type ExtensionSettings, type SettingsInput } from './settings.js';

const CONTENT_SCRIPT_ID = 'superfone-detect';

/** The settings as stored: an admin's (managed storage) over the agent's own, and which of them the admin set. */
export async function storedSettings(): Promise<{ input: SettingsInput; managed: Record<string, unknown> }> {
  const managed: Record<string, unknown> = await chrome.storage.managed.get(null).catch(() => ({}));
  const { settings: own } = await chrome.storage.local.get('settings');
  return { input: { ...(own ?? {}), ...managed }, managed };
}

/** What the stored settings come to, read once until they change: Chrome takes a second or more to read managed storage the first time. */
let inEffect: Promise<ExtensionSettings | null> | null = null;

/** The settings in effect; `null` until they are complete. `fresh` reads storage again. */
export function currentSettings({ fresh = false } = {}): Promise<ExtensionSettings | null> {
  if (fresh || !inEffect) {
    inEffect = storedSettings().then(({ input }) => {
      const check = checkSettings(input);
      return check.ok ? check.settings : null;
    });
  }
  return inEffect;
}

/** Registers the content script for the sites in effect now, in every frame, replacing any earlier registration. */
export async function watchListedSites(): Promise<void> {
  // Fresh: the options page asks right after saving, perhaps before storage says it changed.
  const settings = await currentSettings({ fresh: true });
  // Asked for all: asking for an id that is not registered fails.
  const registered = await chrome.scripting.getRegisteredContentScripts();
  if (registered.some((script) => script.id === CONTENT_SCRIPT_ID)) await chrome.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
  if (!settings) return;
  await chrome.scripting.registerContentScripts([
    { id: CONTENT_SCRIPT_ID, matches: sitePatterns(settings.sites), js: ['content-script.js'], allFrames: true, runAt: 'document_idle' },
  ]);
}
