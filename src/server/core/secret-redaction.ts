/** The shortest run of a secret's characters that counts as a piece of it. */
export const SECRET_FRAGMENT_LENGTH = 10;

export const REDACTED = '[redacted]';

/**
 * Hides the secrets (the API key, the webhook secret) in text bound for a response or a
 * log line: every copy of each, and every run of 10 or more characters taken from one, in
 * any letter case (an upstream that upper-cases a message still echoes the key), so an
 * upstream message that echoes part of the key leaks no part of it. Runs before any text
 * is cut, so a secret straddling the cut is still hidden whole.
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const wholes = secrets
    .filter((secret) => secret.length > 0 && secret.length < SECRET_FRAGMENT_LENGTH)
    .map((secret) => new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'));
  const fragments = new Set<string>();
  for (const secret of secrets.map((each) => each.toLowerCase())) {
    for (let start = 0; start + SECRET_FRAGMENT_LENGTH <= secret.length; start++) {
      fragments.add(secret.slice(start, start + SECRET_FRAGMENT_LENGTH));
    }
  }
  return (text) => {
    let hidden = text;
    for (const secret of wholes) hidden = hidden.replace(secret, REDACTED);
    if (fragments.size === 0 || hidden.length < SECRET_FRAGMENT_LENGTH) return hidden;
    // Lower-cased only to compare (lower-casing keeps every UTF-16 length here but a few, which then only fail to match).
    const compared = hidden.toLowerCase();
    // Mark every character inside a window that is a piece of a secret, then replace each marked run once.
    let out = '';
    let runEnd = -1;
    let copiedTo = 0;
    for (let start = 0; start + SECRET_FRAGMENT_LENGTH <= hidden.length; start++) {
      if (!fragments.has(compared.slice(start, start + SECRET_FRAGMENT_LENGTH))) continue;
      if (start > runEnd) {
        if (runEnd >= 0) out += REDACTED;
        out += hidden.slice(copiedTo, start);
      }
      runEnd = start + SECRET_FRAGMENT_LENGTH;
      copiedTo = runEnd;
    }
    if (runEnd < 0) return hidden;
    return out + REDACTED + hidden.slice(copiedTo);
  };
}
