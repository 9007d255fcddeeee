/** Tiny hand-written Standard Schemas, so tests do not depend on zod's behaviour. */
import type { StandardSchemaV1 } from "../../src/core/schema.js";

/**
 * A schema for `{ user: string; password: string }`. It also offers its JSON Schema (the Standard
 * JSON Schema interface), so its keys count as declared and issue paths name them.
 */
export const credentialsSchema: StandardSchemaV1<unknown, { user: string; password: string }> = {
  "~standard": {
    version: 1,
    vendor: "test",
    jsonSchema: {
      input: () => ({
        type: "object",
        properties: { user: { type: "string" }, password: { type: "string" } },
        required: ["user", "password"],
      }),
      output: () => ({
        type: "object",
        properties: { user: { type: "string" }, password: { type: "string" } },
        required: ["user", "password"],
      }),
    },
    validate(value) {
      const record = value as Record<string, unknown> | null;
      const issues: StandardSchemaV1.Issue[] = [];
      if (typeof record !== "object" || record === null) return { issues: [{ message: "expected an object" }] };
      for (const key of ["user", "password"]) {
        if (typeof record[key] !== "string") issues.push({ message: "expected a string", path: [key] });
      }
      return issues.length ? { issues } : { value: { user: String(record.user), password: String(record.password) } };
    },
  },
};

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
