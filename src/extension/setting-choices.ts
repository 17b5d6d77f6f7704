// The choices the extension's settings offer, and their default: the one list the options
// page, the checks (./settings.ts) and, held to it by a test, managed-schema.json's enum are
// made from. Apart from the checks, so the options page does not load number handling for them.
export { DEFAULT_COUNTRY } from '../shared/defaults.js';

/** The controls' languages, each with its name on the options page: `auto` follows the page. */
export const LANGUAGES = { auto: "The page's language", en: 'English', hi: 'हिन्दी' } as const;
