/**
 * The object keys a schema declares. A key the schema declares is schema text, not data, and may be
 * printed in an issue's path; any other key of the validated value is data and is redacted (a record
 * keyed by API key, a map keyed by user name). A schema is introspected where its structure is
 * known: the Standard JSON Schema interface (`~standard.jsonSchema`, zod 4, arktype and any library
 * implementing it), zod's `_zod.def` (and zod 3's `_def`), valibot's `entries` and arktype's `json`.
 * A schema that offers none of these declares no keys, so every key of the value is redacted.
 *
 * Over-collecting is harmless (whatever is collected was written in the schema); missing a key only
 * redacts more. The walks are iterative and bounded by the size of the schema, never by the value.
 */

/** At most this many schema nodes are looked at; past it, fewer keys count as declared (more redaction). */
const MAX_SCHEMA_NODES = 50_000;

const cache = new WeakMap<object, ReadonlySet<string>>();

type Node = Record<string, unknown>;

function isObjectLike(value: unknown): value is Node {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}

/** Calls `read`, and gives `undefined` if it throws: a schema's getters are its own code. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Keys of every `properties` object in a JSON Schema document. */
function jsonSchemaKeys(document: unknown, keys: Set<string>, budget: { left: number }): void {
  const pending: unknown[] = [document];
  const seen = new Set<unknown>();
  while (pending.length > 0 && budget.left-- > 0) {
    const node = pending.pop();
    if (!isObjectLike(node) || seen.has(node)) continue;
    seen.add(node);
    const properties = Array.isArray(node) ? undefined : node.properties;
    if (isObjectLike(properties) && !Array.isArray(properties))
      for (const key of Object.keys(properties)) keys.add(key);
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (isObjectLike(child)) pending.push(child);
  }
}

/** Keys of every `required` / `optional` entry in arktype's JSON representation. */
function arktypeKeys(document: unknown, keys: Set<string>, budget: { left: number }): void {
  const pending: unknown[] = [document];
  const seen = new Set<unknown>();
  while (pending.length > 0 && budget.left-- > 0) {
    const node = pending.pop();
    if (!isObjectLike(node) || seen.has(node)) continue;
    seen.add(node);
    if (!Array.isArray(node)) {
      for (const list of [node.required, node.optional]) {
        if (!Array.isArray(list)) continue;
        for (const entry of list) if (isObjectLike(entry) && typeof entry.key === "string") keys.add(entry.key);
      }
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (isObjectLike(child)) pending.push(child);
  }
}

/** Fields of a valibot schema that hold nested schemas. */
const VALIBOT_CHILDREN = ["wrapped", "item", "key", "value", "rest", "options", "items", "pipe"] as const;

/** zod definition fields that hold no schema, or whose getters run the schema author's code. */
const SKIPPED_DEF_FIELDS: ReadonlySet<string> = new Set([
  "shape",
  "getter",
  "defaultValue",
  "catchValue",
  "fn",
  "error",
]);

/** Schema-valued fields of zod 3 / zod 4 definitions and valibot schemas, and the keys they declare. */
function structuralKeys(schema: unknown, keys: Set<string>, budget: { left: number }): void {
  const pending: unknown[] = [schema];
  const seen = new Set<unknown>();
  const push = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) if (isObjectLike(item)) pending.push(item);
    } else if (isObjectLike(value)) pending.push(value);
  };
  while (pending.length > 0 && budget.left-- > 0) {
    const node = pending.pop();
    if (!isObjectLike(node) || seen.has(node)) continue;
    seen.add(node);
    // zod 4 (and zod/mini): `_zod.def`, objects have `shape`, lazy schemas a `getter`.
    const zod4 = attempt(() => (node._zod as Node | undefined)?.def);
    if (isObjectLike(zod4)) {
      const shape = attempt(() => zod4.shape);
      if (isObjectLike(shape)) {
        for (const key of Object.keys(shape)) {
          keys.add(key);
          push(attempt(() => shape[key]));
        }
      }
      if (typeof zod4.getter === "function") push(attempt(() => (zod4.getter as () => unknown)()));
      for (const key of Object.keys(zod4)) if (!SKIPPED_DEF_FIELDS.has(key)) push(attempt(() => zod4[key]));
      continue;
    }
    // zod 3: `_def`, objects have a `shape()` function.
    const zod3 = attempt(() => node._def);
    if (isObjectLike(zod3) && typeof zod3.typeName === "string") {
      const shape = typeof zod3.shape === "function" ? attempt(() => (zod3.shape as () => unknown)()) : undefined;
      if (isObjectLike(shape)) {
        for (const key of Object.keys(shape)) {
          keys.add(key);
          push(attempt(() => shape[key]));
        }
      }
      if (typeof zod3.getter === "function") push(attempt(() => (zod3.getter as () => unknown)()));
      for (const key of Object.keys(zod3)) if (!SKIPPED_DEF_FIELDS.has(key)) push(attempt(() => zod3[key]));
      continue;
    }
    // valibot: `kind: "schema"`, objects have `entries`, lazy schemas a `getter(input)`.
    if (node.kind === "schema" && typeof node.type === "string") {
      const entries = attempt(() => node.entries);
      if (isObjectLike(entries)) {
        for (const key of Object.keys(entries)) {
          keys.add(key);
          push(attempt(() => entries[key]));
        }
      }
      if (node.type === "lazy" && typeof node.getter === "function") {
        push(attempt(() => (node.getter as (input: unknown) => unknown)(undefined)));
      }
      for (const field of VALIBOT_CHILDREN) push(attempt(() => node[field]));
    }
  }
}

/**
 * The keys `schema` declares anywhere in its structure (see the module comment), cached per schema.
 * Never throws: a schema that cannot be introspected declares no keys.
 */
export function declaredKeys(schema: unknown): ReadonlySet<string> {
  if (!isObjectLike(schema)) return new Set();
  const known = cache.get(schema);
  if (known !== undefined) return known;
  const keys = new Set<string>();
  const budget = { left: MAX_SCHEMA_NODES };
  const standard = attempt(() => schema["~standard"] as Node | undefined);
  const converter = attempt(() => (isObjectLike(standard) ? (standard.jsonSchema as Node | undefined) : undefined));
  if (isObjectLike(converter) && typeof converter.input === "function") {
    const input = converter.input as (options: { target: string }) => unknown;
    jsonSchemaKeys(
      attempt(() => input.call(converter, { target: "draft-2020-12" })),
      keys,
      budget,
    );
  }
  if (attempt(() => standard?.vendor) === "arktype")
    arktypeKeys(
      attempt(() => schema.json),
      keys,
      budget,
    );
  structuralKeys(schema, keys, budget);
  cache.set(schema, keys);
  return keys;
}
