import type { CallButtonMessages } from './messages/catalogue.js';
import { languageChanged, languageOf } from './page-language.js';

// The catalogue's shape has a module of its own: the catalogues import it, and this module imports them.
export { type CallButtonMessages, FIRST_WORDS } from './messages/catalogue.js';

/** Some words changed for one control or one scope (and the controls inside it). */
export type MessageOverrides = Partial<CallButtonMessages>;

const catalogues = new Map<string, CallButtonMessages>();
const loading = new Map<string, Promise<void>>();

/** The languages this package ships, each in its own chunk, fetched only by a page that uses it. */
const SHIPPED = new Map<string, () => Promise<{ messages: CallButtonMessages }>>([
  ['en', () => import('./messages/en.js')],
  ['hi', () => import('./messages/hi.js')],
]);

/**
 * Adds a language for every control and scope on the page, or replaces one (English and
 * Hindi included). `language` is a BCP 47 tag such as `ta` or `ta-IN`; a page in `ta-IN`
 * gets `ta-IN` if registered, else `ta`, else English.
 */
export function registerMessages(language: string, messages: CallButtonMessages): void {
  catalogues.set(language.toLowerCase(), messages);
  languageChanged();
}

/** The catalogue serving a page language: the tag itself, its primary language, or English. */
function catalogueLanguage(lang: string): string {
  const tag = lang.trim().toLowerCase();
  const known = (candidate: string) => catalogues.has(candidate) || SHIPPED.has(candidate);
  if (known(tag)) return tag;
  const primary = tag.split('-')[0]!;
  return known(primary) ? primary : 'en';
}

/** The catalogue serving the page language around `element`. */
export function catalogueLanguageOf(element: Element): string {
  return catalogueLanguage(languageOf(element));
}

/** The catalogue, if it is here: a shipped one may still be loading. */
export function catalogue(language: string): CallButtonMessages | undefined {
  return catalogues.get(language);
}

/** Fetches a shipped catalogue (at once for one that is here). A chunk that fails to load rejects, as number handling's would. */
export function loadCatalogue(language: string): Promise<void> {
  if (catalogues.has(language)) return Promise.resolve();
  let promise = loading.get(language);
  // A catalogue the page registered meanwhile wins over the shipped one.
  if (!promise) loading.set(language, (promise = SHIPPED.get(language)!().then(({ messages }) => void (catalogues.has(language) || catalogues.set(language, messages)))));
  return promise;
}

/** The words to use: overrides over the language's catalogue, over English while it loads. */
export function wordsFor(language: string, ...overrides: Array<MessageOverrides | null | undefined>): CallButtonMessages | undefined {
  const base = catalogue(language) ?? catalogue('en');
  if (!base) return undefined;
  return overrides.some(Boolean) ? Object.assign({}, base, ...overrides) : base;
}
