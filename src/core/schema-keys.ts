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

type Budget = { left: number };

/**
 * Visits every object reachable from `root` once, depth first, while the budget lasts (one unit per
 * object taken from the stack). `visit` pushes the children it wants walked onto `pending`.
 */
function walk(root: unknown, budget: Budget, visit: (node: Node, pending: unknown[]) => void): void {
  const pending: unknown[] = [root];
  const seen = new Set<unknown>();
  while (pending.length > 0 && budget.left-- > 0) {
    const node = pending.pop();
    if (!isObjectLike(node) || seen.has(node)) continue;
    seen.add(node);
    visit(node, pending);
  }
}

/** Walks a plain document (JSON Schema, arktype's `json`) through every object and array in it. */
function walkDocument(document: unknown, budget: Budget, visit: (node: Node) => void): void {
  walk(document, budget, (node, pending) => {
    if (!Array.isArray(node)) visit(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (isObjectLike(child)) pending.push(child);
  });
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
function structuralKeys(schema: unknown, keys: Set<string>, budget: Budget): void {
  walk(schema, budget, (node, pending) => {
    const push = (value: unknown): void => {
      for (const item of Array.isArray(value) ? value : [value]) if (isObjectLike(item)) pending.push(item);
    };
    /** An object's declared keys (zod's `shape`, valibot's `entries`), whose values are schemas. */
    const declare = (shape: unknown): void => {
      if (!isObjectLike(shape)) return;
      for (const key of Object.keys(shape)) {
        keys.add(key);
        push(attempt(() => shape[key]));
      }
    };
    // zod 4 (and zod/mini) keep the definition in `_zod.def`, with `shape` an object; zod 3 in `_def`
    // (with a `typeName`), with `shape()` a function. Lazy schemas of both have a `getter()`.
    const zod4 = attempt(() => (node._zod as Node | undefined)?.def);
    const zod3 = isObjectLike(zod4) ? undefined : attempt(() => node._def);
    const def = isObjectLike(zod4) ? zod4 : isObjectLike(zod3) && typeof zod3.typeName === "string" ? zod3 : undefined;
    if (def !== undefined) {
      if (def === zod4) declare(attempt(() => def.shape));
      else if (typeof def.shape === "function") declare(attempt(() => (def.shape as () => unknown)()));
      if (typeof def.getter === "function") push(attempt(() => (def.getter as () => unknown)()));
      for (const key of Object.keys(def)) if (!SKIPPED_DEF_FIELDS.has(key)) push(attempt(() => def[key]));
    } else if (node.kind === "schema" && typeof node.type === "string") {
      // valibot: `kind: "schema"`, objects have `entries`, lazy schemas a `getter(input)`.
      declare(attempt(() => node.entries));
      if (node.type === "lazy" && typeof node.getter === "function") {
        push(attempt(() => (node.getter as (input: unknown) => unknown)(undefined)));
      }
      for (const field of VALIBOT_CHILDREN) push(attempt(() => node[field]));
    }
  });
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
    // JSON Schema: the keys of every `properties` object.
    walkDocument(
      attempt(() => input.call(converter, { target: "draft-2020-12" })),
      budget,
      ({ properties }) => {
        if (isObjectLike(properties) && !Array.isArray(properties))
          for (const key of Object.keys(properties)) keys.add(key);
      },
    );
  }
  // arktype's JSON representation: the `key` of every `required` and `optional` entry.
  if (attempt(() => standard?.vendor) === "arktype") {
    walkDocument(
      attempt(() => schema.json),
      budget,
      (node) => {
        for (const list of [node.required, node.optional]) {
          if (!Array.isArray(list)) continue;
          for (const entry of list) if (isObjectLike(entry) && typeof entry.key === "string") keys.add(entry.key);
        }
      },
    );
  }
  structuralKeys(schema, keys, budget);
  cache.set(schema, keys);
  return keys;
}
