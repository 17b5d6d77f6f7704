import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

import type { CountryCode } from '../../shared/phone-number.js';
import { type AgentDirectory, AgentsFileError, parseAgentsCsv } from '../core/index.js';

export interface AgentsFileOptions {
  /** Region for numbers written without a country code. Default `IN`. */
  defaultCountry?: CountryCode;
  /** Told when a changed file cannot be read; the list read before stays in use. Default: stderr. */
  onReloadError?: (error: Error) => void;
}

/** The file is looked at again at most this often: a stat, not a read, unless it changed. */
const RECHECK_MS = 1_000;

/**
 * The administrator's agents file (`email,agent_number` lines, a header optional) as the
 * proxy's `auth.agents`. Read now, so a mistake stops the start with its line named; read
 * again when it changes (its time or size), with no restart. A change with a mistake in it
 * is reported and the list before it kept: one bad edit does not sign every agent out.
 */
export function agentsFromFile(path: string, options: AgentsFileOptions = {}): AgentDirectory {
  const defaultCountry = options.defaultCountry ?? 'IN';
  const report = options.onReloadError ?? ((error: Error) => process.stderr.write(`superfone-proxy: ${path}: ${error.message} (the list before it stays in use)\n`));
  const read = (text: string) => {
    try {
      return parseAgentsCsv(text, defaultCountry);
    } catch (error) {
      throw error instanceof AgentsFileError ? new AgentsFileError(`agents file ${path}, ${error.message}`) : error;
    }
  };
  let agents = read(readFileSync(path, 'utf8'));
  let version = versionOf(path);
  let checkedAt = Date.now();
  let checking: Promise<void> | null = null;

  const recheck = async () => {
    const now = await stat(path).then(
      (stats) => `${stats.mtimeMs}:${stats.size}`,
      () => version,
    );
    if (now === version) return;
    version = now;
    try {
      agents = read(await readFile(path, 'utf8'));
    } catch (error) {
      report(error as Error);
    }
  };

  return async (email) => {
    if (Date.now() - checkedAt >= RECHECK_MS) {
      checkedAt = Date.now();
      checking ??= recheck().finally(() => (checking = null));
    }
    if (checking) await checking;
    return agents.get(email) ?? null;
  };
}

function versionOf(path: string): string {
  const { mtimeMs, size } = statSync(path);
  return `${mtimeMs}:${size}`;
}
