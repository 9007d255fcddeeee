/** Tiny hand-written Standard Schemas, so tests do not depend on zod's behaviour. */
import type { StandardSchemaV1 } from "../../src/core/schema.js";

/**
 * A schema for `{ user: string; password: string }`. It also offers its JSON Schema (the Standard
 * JSON Schema interface), so its keys count as declared and issue paths name them.
 */
export const credentialsSchema: StandardSchemaV1<unknown, { user: string; password: string }> = {
  "~standard": credentialsProps(),
};

function credentialsProps(): StandardSchemaV1.Props<unknown, { user: string; password: string }> & {
  readonly jsonSchema: JsonSchemaConverter;
} {
  return {
    version: 1,
    vendor: "test",
    jsonSchema: jsonSchemaDeclaring(["user", "password"]),
    validate(value) {
      const record = value as Record<string, unknown> | null;
      const issues: StandardSchemaV1.Issue[] = [];
      if (typeof record !== "object" || record === null) return { issues: [{ message: "expected an object" }] };
      for (const key of ["user", "password"]) {
        if (typeof record[key] !== "string") issues.push({ message: "expected a string", path: [key] });
      }
      return issues.length ? { issues } : { value: { user: String(record.user), password: String(record.password) } };
    },
  };
}

/** A schema that always fails, echoing the input into a non-standard `input` field the way some validators do. */
export const leakySchema: StandardSchemaV1<unknown, never> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate(value) {
      return {
        issues: [{ message: "never valid", path: [{ key: "password" }], input: value } as StandardSchemaV1.Issue],
      };
    },
  },
};

/** The Standard JSON Schema interface's converter (`~standard.jsonSchema`). */
export interface JsonSchemaConverter {
  readonly input: (options?: unknown) => Record<string, unknown>;
  readonly output: (options?: unknown) => Record<string, unknown>;
}

/** The Standard JSON Schema converter of an object schema with these properties: it declares their keys. */
export function jsonSchemaDeclaring(keys: readonly string[]): JsonSchemaConverter {
  const document = () => ({ type: "object", properties: Object.fromEntries(keys.map((key) => [key, {}])) });
  return { input: document, output: document };
}

/**
 * A hand-written Standard Schema whose validator returns `issues(value)` (or throws, if it does):
 * for messages and paths that quote the value the way some validators do. `declares` adds a JSON
 * Schema naming those keys, as a schema that can be introspected.
 */
export function issuesSchema(
  issues: (value: unknown) => readonly StandardSchemaV1.Issue[],
  declares?: readonly string[],
): StandardSchemaV1 {
  return {
    "~standard": {
      version: 1,
      vendor: "test",
      validate: (value) => ({ issues: issues(value) }),
      ...(declares === undefined ? {} : { jsonSchema: jsonSchemaDeclaring(declares) }),
    } as StandardSchemaV1.Props,
  };
}
