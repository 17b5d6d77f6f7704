/**
 * Remembers recent results of `compute`, by key: up to `limit` in the current generation and
 * as many in the one before, which is dropped whole when the current one fills. (Evicting one
 * entry at a time from a Map's front costs more and more as deleted entries pile up there.)
 * Phone numbers repeat (the agent's on every request, a customer's on START and END, one
 * number in many controls, one date in many rows), and parsing one costs microseconds.
 */
export function boundedCache<Value>(limit: number, compute: (key: string) => Value): (key: string) => Value {
  let current = new Map<string, Value>();
  let previous = new Map<string, Value>();
  // One lookup per generation (no compute here returns `undefined`; a kept `null` is computed again).
  return (key) => {
    const kept = current.get(key);
    if (kept !== undefined) return kept;
    const value = previous.get(key) ?? compute(key);
    if (current.size >= limit) {
      previous = current;
      current = new Map();
    }
    current.set(key, value);
    return value;
  };
}
