// Where numbers become controls: the content script is registered for the listed sites and
// nowhere else, by the service worker alone (two registrations at once in two contexts
// fail, or never settle). The registration outlives the browser; an unpacked extension
// loaded with --load-extension is installed afresh at each launch and loses it, so the
// worker checks it whenever it starts, and tabs already open on a newly listed site get the
// script at once: nobody has to reload.
import { type ExtensionSettings, sitePatterns } from './settings.js';

const CONTENT_SCRIPT_ID = 'superfone-detect';

/** Registers the content script for the sites in `settings` (none for `null`), unless it already is; then runs it in the open tabs on them. */
export async function watchListedSites(settings: ExtensionSettings | null): Promise<void> {
  const matches = settings ? sitePatterns(settings.sites) : [];
  // Asked for all: asking for an id that is not registered fails.
  const registered = (await chrome.scripting.getRegisteredContentScripts()).find((script) => script.id === CONTENT_SCRIPT_ID);
  if (registered && JSON.stringify(registered.matches) === JSON.stringify(matches)) return;
  if (registered) await chrome.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
  if (matches.length === 0) return;
  await chrome.scripting.registerContentScripts([
    { id: CONTENT_SCRIPT_ID, matches, js: ['content-script.js'], allFrames: true, runAt: 'document_idle', persistAcrossSessions: true },
  ]);
  // The script runs once per frame whichever way it arrives (it marks itself in its own world).
  const tabs = await chrome.tabs.query({ url: matches });
  await Promise.all(tabs.map((tab) => chrome.scripting.executeScript({ target: { tabId: tab.id!, allFrames: true }, files: ['content-script.js'] }).catch(() => {})));
}
