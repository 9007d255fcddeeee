/**
 * Deep-freezes plain objects and arrays. Parsed values may be shared between callers, so none of
 * them can change what another one sees. Class instances (Date, Map, typed arrays) are left as they
 * are: freezing does not protect their contents, and typed arrays cannot be frozen at all.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  const prototype = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
