// Fetch objects that cost nothing until something needs them whole, as Hono's Node adapter
// makes them: building a `Request` or a `Response` on Node 20 costs a stream and a good part
// of a request's time, and node:http needs neither to serve the proxy.

const WHOLE = Symbol('whole');

type Lazy<T> = T & { [WHOLE]?: T };

/**
 * A prototype for objects that are `Base`s by their prototype chain: the members in `cheap`
 * answer from the object's own data, and every other member of `Base.prototype` (methods
 * and getters alike) from the whole `Base` that `build` makes, once, on first use.
 */
export function lazyPrototype<T extends object>(Base: { prototype: T }, cheap: PropertyDescriptorMap, build: (lazy: T) => T): object {
  const whole = (lazy: Lazy<T>): T => (lazy[WHOLE] ??= build(lazy));
  const prototype: object = Object.create(Base.prototype, cheap);
  for (const name of Object.getOwnPropertyNames(Base.prototype)) {
    if (name === 'constructor' || name in cheap) continue;
    const isMethod = typeof Object.getOwnPropertyDescriptor(Base.prototype, name)!.value === 'function';
    Object.defineProperty(
      prototype,
      name,
      isMethod
        ? {
            value(this: Lazy<T>, ...args: unknown[]) {
              return (whole(this) as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
            },
          }
        : {
            get(this: Lazy<T>) {
              return (whole(this) as Record<string, unknown>)[name];
            },
          },
    );
  }
  return prototype;
}

/** Whether the whole object has been built (then it, not the cheap parts, is the truth). */
export function builtWhole(lazy: object): boolean {
  return (lazy as Lazy<object>)[WHOLE] !== undefined;
}
