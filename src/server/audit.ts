/**
 * Hides the middle digits of a number for logs: `+919876543210` → `+9198******10`.
 * Enough to tell calls apart when investigating, not enough to dial.
 */
export function maskNumber(e164: string | null): string | null {
  if (e164 === null) return null;
  if (e164.length <= 6) return '*'.repeat(e164.length);
  return e164.slice(0, 5) + '*'.repeat(e164.length - 7) + e164.slice(-2);
}
