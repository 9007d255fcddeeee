/**
 * How `secretwrangler exec` turns JSON fields and parameter names into environment variable names:
 * words are split on anything that is not a letter or digit and on lowerCamel boundaries, joined with
 * `_` and upper-cased, then prefixed. Nested objects are flattened with `_`.
 *
 * `password` → `PASSWORD`, `dbName` → `DB_NAME`, `db-host` → `DB_HOST`, `{ a: { b: 1 } }` → `A_B`,
 * `/my-app/prod/db/password` under `/my-app/prod` → `DB_PASSWORD`.
 */
import { SecretsError } from "../core/errors.js";

/** The environment variable name for a key path, e.g. `["db", "userName"]` → `DB_USER_NAME`. */
export function envName(path: readonly string[], prefix = ""): string {
  const words = path.flatMap((segment) =>
    segment
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean),
  );
  const name = `${prefix}${words.join("_").toUpperCase()}`;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function stringify(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Flattens a JSON value into `[path, text]` pairs; arrays are kept whole as JSON text. */
export function flattenJson(value: unknown, path: readonly string[] = []): [string[], string][] {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, child]) => flattenJson(child, [...path, key]));
  }
  return [[[...path], stringify(value)]];
}

/** A portable environment variable name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws `CONFIG` unless `name` is a portable variable name. */
export function assertEnvName(name: string, source: string): void {
  if (!ENV_NAME.test(name)) {
    throw new SecretsError({
      code: "CONFIG",
      operation: "exec",
      detail: `${source} gives "${name}", which is not a variable name (letters, digits, _; not first a digit)`,
    });
  }
}

/**
 * Collects variables from several sources and refuses two sources giving the same name: a silent
 * overwrite would hand a process the wrong credential.
 */
export class EnvCollector {
  readonly #values = new Map<string, { readonly value: string; readonly source: string }>();

  /** Adds a variable; throws `CONFIG` naming both sources on a collision (never the values). */
  add(name: string, value: string, source: string): void {
    assertEnvName(name, source);
    if (value.includes("\0")) {
      // No process environment can hold a NUL byte; Node's own error would quote the value.
      throw new SecretsError({
        code: "CONFIG",
        operation: "exec",
        detail: `${source}: the value of ${name} holds a NUL byte`,
      });
    }
    const existing = this.#values.get(name);
    if (existing) {
      throw new SecretsError({
        code: "CONFIG",
        operation: "exec",
        detail: `${name} is given by both ${existing.source} and ${source}`,
        hint: "Separate them with --prefix (for --secret) or --parameters-prefix, or name one with --env NAME=<id>",
      });
    }
    this.#values.set(name, { value, source });
  }

  /** The collected variables. */
  toObject(): Record<string, string> {
    return Object.fromEntries([...this.#values].map(([name, entry]) => [name, entry.value]));
  }
}
