/**
 * Remembers the last `limit` results of `compute`, by key. Phone numbers repeat (the
 * agent's on every request, a customer's on START and END, one number in many controls),
 * and parsing one costs tens of microseconds. Oldest first out.
 */
export function boundedCache<Value>(limit: number, compute: (key: string) => Value): (key: string) => Value {
  const entries = new Map<string, Value>();
  return (key) => {
    if (entries.has(key)) return entries.get(key)!;
    const value = compute(key);
    if (entries.size >= limit) entries.delete(entries.keys().next().value!);
    entries.set(key, value);
    return value;
  };
}
