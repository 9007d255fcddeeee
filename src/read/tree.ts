/**
 * Lays the parameters under a path out as an object: nested by path segment (`"tree"`) or one key
 * per relative name (`"flat"`). Two parameters that would land on the same key are an error, never
 * a silent overwrite.
 */
import { SecretsError } from "../core/errors.js";
import type { ParameterRecord } from "../transport/types.js";
import type { ParameterMap, ParametersByPathReadOptions, ParameterTree } from "./options.js";
import { parameterValue } from "./parameter-value.js";

/** How to lay the parameters out. */
export interface TreeLayout {
  /** The path that was read; names are taken relative to it. */
  readonly path: string;
  readonly shape: "tree" | "flat";
  readonly keys: NonNullable<ParametersByPathReadOptions["keys"]>;
  /** For errors. */
  readonly transport: string;
}

type Node = Record<string, string | string[] | object>;

/** `api-url`, `api_url`, `api.url` -> `apiUrl`; `DB_HOST` -> `dbHost`. */
export function camelCaseSegment(segment: string): string {
  return segment
    .split(/[-_.]+/)
    .filter((word) => word !== "")
    .map((word, index) => {
      const base = word === word.toUpperCase() ? word.toLowerCase() : word;
      return index === 0 ? base : base.charAt(0).toUpperCase() + base.slice(1);
    })
    .join("");
}

function relativeSegments(name: string, path: string): string[] {
  const prefix = path.endsWith("/") ? path : `${path}/`;
  const relative = name.startsWith(prefix) ? name.slice(prefix.length) : name;
  return relative.split("/").filter((segment) => segment !== "");
}

/** Sets an own, enumerable key; a `__proto__` segment is defined, so it is data, not a prototype change. */
function define(node: Node, key: string, value: string | string[] | object): void {
  if (key === "__proto__")
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  else node[key] = value;
}

function isBranch(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function conflict(layout: TreeLayout, first: string, second: string, key: string): SecretsError {
  const fixes = [
    layout.shape === "tree" ? '{ shape: "flat" }' : "",
    layout.keys === "camelCase" ? '{ keys: "preserve" }' : "",
  ];
  return new SecretsError({
    code: "CONFIG",
    operation: "getParametersByPath",
    secretId: layout.path,
    transport: layout.transport,
    detail: `parameters "${first}" and "${second}" both map to the key "${key}"`,
    hint: `Read the path with ${fixes.filter(Boolean).join(" or ")}`,
  });
}

/** The parameters as a tree or a flat map, not yet frozen. Throws `CONFIG` when two land on one key. */
export function layoutParameters(
  records: readonly ParameterRecord[],
  layout: TreeLayout,
): ParameterTree | ParameterMap {
  const root: Node = {};
  /** Which parameter first claimed each key path (`db/password`), for the conflict message. */
  const owners = new Map<string, string>();
  const sorted = [...records].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const record of sorted) {
    const segments = relativeSegments(record.name, layout.path);
    const keys = layout.keys === "camelCase" ? segments.map(camelCaseSegment) : segments;
    const value = parameterValue(record);
    if (layout.shape === "flat") {
      const key = keys.join("/");
      const owner = owners.get(key);
      if (owner !== undefined) throw conflict(layout, owner, record.name, key);
      owners.set(key, record.name);
      define(root, key, value);
      continue;
    }
    let node = root;
    let keyPath = "";
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      keyPath = index === 0 ? key : `${keyPath}/${key}`;
      const existing = Object.hasOwn(node, key) ? node[key] : undefined;
      const leaf = index === keys.length - 1;
      if (existing !== undefined && (leaf || !isBranch(existing))) {
        throw conflict(layout, owners.get(keyPath) ?? keyPath, record.name, keyPath);
      }
      if (existing === undefined) owners.set(keyPath, record.name);
      if (leaf) {
        define(node, key, value);
      } else {
        if (existing === undefined) define(node, key, {});
        node = node[key] as Node;
      }
    }
  }
  return root as ParameterTree | ParameterMap;
}
