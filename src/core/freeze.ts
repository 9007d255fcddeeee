/**
 * Deep-freezes plain objects and arrays. Parsed values may be shared between callers, so none of
 * them can change what another one sees. Class instances (Date, Map, typed arrays) are left as they
 * are: freezing does not protect their contents, and typed arrays cannot be frozen at all.
 *
 * Iterative, with its own stack: valid JSON may nest deeper than the call stack allows (a 20 KB
 * secret can hold 10,000 nested arrays), and freezing it must not throw a `RangeError`. An object
 * that is already frozen is not entered again, which also ends cycles.
 */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== "object" || node === null || Object.isFrozen(node)) continue;
    const prototype = Object.getPrototypeOf(node);
    if (!Array.isArray(node) && prototype !== Object.prototype && prototype !== null) continue;
    Object.freeze(node);
    for (const key of Object.keys(node)) pending.push((node as Record<string, unknown>)[key]);
  }
  return value;
}
