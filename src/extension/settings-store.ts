// The extension's settings in storage, read in one place: the agent's own (storage.local)
// under an administrator's (managed storage), and what they last came to, kept so that a
// worker starting with the browser decides without reading managed storage (Chrome takes
// seconds to read it the first time). Only the extension's trusted contexts can read these.
import { checkSettings, type ExtensionSettings, type SettingsInput } from './settings.js';

const IN_EFFECT = 'inEffect';

/** The settings as stored: an admin's (managed storage) over the agent's own, and which of them the admin set. */
export async function storedSettings(): Promise<{ input: SettingsInput; managed: Record<string, unknown> }> {
  const managed: Record<string, unknown> = await chrome.storage.managed.get(null).catch(() => ({}));
  const { settings: own } = await chrome.storage.local.get('settings');
  return { input: { ...(own ?? {}), ...managed }, managed };
}

/** What the settings came to, in this run of the worker; `null` until they are complete. */
let inEffect: Promise<ExtensionSettings | null> | null = null;

/** The settings in effect: this run's, else the last run's as kept, else read from storage now. */
export function currentSettings(): Promise<ExtensionSettings | null> {
  inEffect ??= chrome.storage.local.get(IN_EFFECT).then(({ [IN_EFFECT]: kept }) => (kept ? (kept as ExtensionSettings) : readSettings()));
  return inEffect;
}

/** Reads storage, managed included, and keeps what it comes to; says whether that changed anything. Meanwhile the settings in effect stay in use. */
export async function refreshSettings(): Promise<boolean> {
  const before = JSON.stringify(await currentSettings());
  const now = await readSettings();
  inEffect = Promise.resolve(now);
  return JSON.stringify(now) !== before;
}

async function readSettings(): Promise<ExtensionSettings | null> {
  const check = checkSettings((await storedSettings()).input);
  const settings = check.ok ? check.settings : null;
  await chrome.storage.local.set({ [IN_EFFECT]: settings });
  return settings;
}
