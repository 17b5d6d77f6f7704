import { type CountryCode, normalizePhoneNumber } from '../../../shared/phone-number.js';

/**
 * The administrator's list of agents, for a company whose sign-in (Google Workspace, Entra
 * ID, Okta, Keycloak) knows each person's email but not their Superfone number: the
 * verified email in the ID token finds the number here. Returns `null` for anyone not listed.
 */
export type AgentDirectory = (email: string) => string | null | Promise<string | null>;

/** A line of the agents file the proxy cannot read, named by its number. */
export class AgentsFileError extends Error {}

/** Emails are compared as providers send them, but without regard to case. */
export const emailKey = (email: string): string => email.trim().toLowerCase();

/**
 * Reads `email,agent_number` lines (a header line naming the columns is optional; blank
 * lines and `#` comments are skipped) into email → E.164. Any other line is an error that
 * names it: a list with a mistake is not half used.
 */
export function parseAgentsCsv(text: string, defaultCountry: CountryCode): Map<string, string> {
  const agents = new Map<string, string>();
  let first = true;
  for (const [index, raw] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',').map((cell) =>
      cell
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim(),
    );
    const where = `line ${index + 1}`;
    const header = first && /^e-?mail$/i.test(cells[0] ?? '');
    first = false;
    if (header) continue;
    if (cells.length !== 2) throw new AgentsFileError(`${where}: expected email,agent_number (two cells), found ${cells.length}.`);
    const [email, number] = cells as [string, string];
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new AgentsFileError(`${where}: "${email}" is not an email address.`);
    const agent = normalizePhoneNumber(number, defaultCountry);
    if (!agent.ok) throw new AgentsFileError(`${where}: "${number}" is not a valid phone number.`);
    const key = emailKey(email);
    if (agents.has(key) && agents.get(key) !== agent.e164) throw new AgentsFileError(`${where}: ${email} is listed twice, with different numbers.`);
    agents.set(key, agent.e164);
  }
  return agents;
}
