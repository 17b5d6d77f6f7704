/**
 * The parts of the `chrome` extension API the service worker touches, in memory, so its
 * message checks can run in Node, one sender at a time. A stand-in because Node has no
 * extension runtime; the real one, with real senders, is driven in Chromium by
 * test/e2e/extension-calls-from-a-crm-nobody-can-edit.test.ts.
 */
export const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';

type Listener = (...args: any[]) => unknown;

function storageArea(initial: Record<string, unknown> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    async get(keys: string | string[] | null) {
      const wanted = keys === null ? [...items.keys()] : Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(wanted.filter((key) => items.has(key)).map((key) => [key, items.get(key)]));
    },
    async set(values: Record<string, unknown>) {
      for (const [key, value] of Object.entries(values)) items.set(key, value);
    },
    async remove(keys: string | string[]) {
      for (const key of Array.isArray(keys) ? keys : [keys]) items.delete(key);
    },
    async setAccessLevel() {},
  };
}

const event = (listeners: Listener[] = []) => ({ listeners, addListener: (listener: Listener) => void listeners.push(listener) });

export function fakeChrome(local: Record<string, unknown>) {
  const onMessage = event();
  const openedOptions: number[] = [];
  const alarms = new Map<string, Record<string, unknown>>();
  const onAlarm = event();
  /** Notifications on screen, by id, as Chrome keeps them. */
  const notifications = new Map<string, Record<string, any>>();
  const onButtonClicked = event();
  const chrome = {
    runtime: {
      id: EXTENSION_ID,
      getURL: (path: string) => `chrome-extension://${EXTENSION_ID}/${path.replace(/^\//, '')}`,
      onMessage,
      onInstalled: event(),
      openOptionsPage: async () => void openedOptions.push(Date.now()),
    },
    storage: { local: storageArea(local), session: storageArea(), managed: storageArea(), onChanged: event() },
    alarms: {
      onAlarm,
      create: async (name: string, info: Record<string, unknown>) => void alarms.set(name, { name, ...info }),
      get: async (name: string) => alarms.get(name),
      clear: async (name: string) => alarms.delete(name),
    },
    notifications: {
      create: async (id: string, options: Record<string, unknown>) => (notifications.set(id, { ...options }), id),
      update: async (id: string, options: Record<string, unknown>) => notifications.has(id) && (notifications.set(id, { ...notifications.get(id), ...options }), true),
      clear: async (id: string) => notifications.delete(id),
      onButtonClicked,
    },
    scripting: { registerContentScripts: async () => {}, unregisterContentScripts: async () => {}, getRegisteredContentScripts: async () => [], executeScript: async () => [] },
    tabs: { query: async () => [], sendMessage: async () => undefined },
    identity: { getRedirectURL: () => `https://${EXTENSION_ID}.chromiumapp.org/`, launchWebAuthFlow: async () => undefined },
  };
  /** Sends `ask` as `sender` would, and resolves with the worker's answer. */
  const ask = (message: unknown, sender: Record<string, unknown>) =>
    new Promise((resolve) => {
      for (const listener of onMessage.listeners) listener(message, sender, resolve);
    });
  /** Fires the alarm `name` as Chrome would when it is due. */
  const ring = (name: string) => Promise.all(onAlarm.listeners.map((listener) => listener({ name })));
  /** Clicks button `index` of notification `id`, as the agent would. */
  const clickButton = (id: string, index = 0) => Promise.all(onButtonClicked.listeners.map((listener) => listener(id, index)));
  return { chrome, ask, openedOptions, alarms, notifications, ring, clickButton };
}

/**
 * The extension's service worker, started in this process with a fake `chrome` holding
 * `local` as its stored settings. A module runs once per process: one worker per test file.
 * `uninstall` takes the fake away again, for the file's `after`.
 */
export async function startWorkerWith(local: Record<string, unknown>) {
  const fake = fakeChrome(local);
  (globalThis as { chrome?: unknown }).chrome = fake.chrome;
  await import('../../src/extension/service-worker.js');
  return { ...fake, uninstall: () => void delete (globalThis as { chrome?: unknown }).chrome };
}
