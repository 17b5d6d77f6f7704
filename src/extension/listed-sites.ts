// Where numbers become controls: the content script is registered for the listed sites and
// nowhere else, by the service worker alone (two registrations at once in two contexts
// fail, or never settle): at start-up, when the options page saves, when an admin's
// managed settings change.
import { checkSettings, sitePatterns, type ExtensionSettings } from './settings.js';

const CONTENT_SCRIPT_ID = 'superfone-detect';

/** The settings in effect: an admin's (managed storage) over the agent's own; `null` until they are complete. */
export async function currentSettings(): Promise<ExtensionSettings | null> {
  const managed = await chrome.storage.managed.get(null).catch(() => ({}));
  const { settings: own } = await chrome.storage.local.get('settings');
  const check = checkSettings({ ...(own ?? {}), ...managed });
  return check.ok ? check.settings : null;
}

/** Registers the content script for the sites in effect now, in every frame, replacing any earlier registration. */
export async function watchListedSites(): Promise<void> {
  const settings = await currentSettings();
  // Asked for all: asking for an id that is not registered fails.
  const registered = await chrome.scripting.getRegisteredContentScripts();
  if (registered.some((script) => script.id === CONTENT_SCRIPT_ID)) await chrome.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
  if (!settings) return;
  await chrome.scripting.registerContentScripts([
    { id: CONTENT_SCRIPT_ID, matches: sitePatterns(settings.sites), js: ['content-script.js'], allFrames: true, runAt: 'document_idle' },
  ]);
}
