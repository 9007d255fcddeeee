/**
 * Deeply nested valid JSON and validators that throw: every error is a value-free SecretsError,
 * never a raw RangeError or a validator's own error.
 */
import { scope } from "arktype";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { SecretsError } from "../src/core/errors.js";
import { deepFreeze } from "../src/core/freeze.js";
import { type StandardSchemaV1, validateWithSchema } from "../src/core/schema.js";
import { createSecretsClient, isSecretsError, memoryTransport } from "../src/index.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";

/** `depth` nested arrays around the canary: 10,000 levels are a 20 KB secret. */
function nestedArrays(depth: number): string {
  return `${"[".repeat(depth)}"${CANARY}"${"]".repeat(depth)}`;
}

function nestedObjects(depth: number): string {
  return `${'{"a":'.repeat(depth)}"${CANARY}"${"}".repeat(depth)}`;
}

/** Every level of a nested value, outermost first, without recursion. */
function levels(value: unknown): unknown[] {
  const found: unknown[] = [];
  for (let node = value; typeof node === "object" && node !== null; ) {
    found.push(node);
    node = Array.isArray(node) ? node[0] : (node as { a?: unknown }).a;
  }
  return found;
}

describe("deepFreeze", () => {
  it.each([10_000, 100_000, 1_000_000])("freezes %i nested arrays and objects without a RangeError", (depth) => {
    for (const text of [nestedArrays(depth), nestedObjects(depth)]) {
      const value = JSON.parse(text);

      expect(deepFreeze(value)).toBe(value);
      const all = levels(value);
      expect(all).toHaveLength(depth);
      expect(all.every((level) => Object.isFrozen(level))).toBe(true);
    }
  });

  it("freezes wide values, shared children and cycles, and leaves class instances alone", () => {
    const shared = { x: 1 };
    const cyclic: Record<string, unknown> = { shared, list: [shared, new Date(0)], bytes: new Uint8Array(2) };
    cyclic.self = cyclic;

    deepFreeze(cyclic);

    expect([cyclic, shared, cyclic.list].every((value) => Object.isFrozen(value))).toBe(true);
    expect(Object.isFrozen((cyclic.list as unknown[])[1])).toBe(false);
    expect(Object.isFrozen(cyclic.bytes)).toBe(false);
  });
});

describe("deep secrets through the client", () => {
  it.each([10_000, 100_000])("reads a secret of %i nested arrays as frozen JSON", async (depth) => {
    const text = nestedArrays(depth);
    const secrets = createSecretsClient({ transport: memoryTransport({ "prod/deep": text }) });

    const value = await secrets.getSecretJson("prod/deep");

    expect(levels(value)).toHaveLength(depth);
    expect(Object.isFrozen(levels(value).at(-1))).toBe(true);
  });

  const recursive: readonly (readonly [string, StandardSchemaV1])[] = [
    [
      "zod",
      (() => {
        const Tree: z.ZodType = z.lazy(() => z.union([z.array(Tree), z.number()]));
        return Tree;
      })(),
    ],
    [
      "valibot",
      (() => {
        const Tree: v.GenericSchema = v.lazy(() => v.union([v.array(Tree), v.number()]));
        return Tree;
      })(),
    ],
    ["arktype", scope({ tree: "number | tree[]" }).export().tree],
  ];

  it.each(recursive)("fails with a value-free SecretsError when a %s schema meets 10,000 levels", async (_, schema) => {
    const secrets = createSecretsClient({ transport: memoryTransport({ "prod/deep": nestedArrays(10_000) }) });

    const error = await rejectionOf(secrets.getSecretJson("prod/deep", { schema }));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
    expectNoLeak(error);
  });
});

describe("validators that throw", () => {
  function throwing(thrown: () => unknown, async = false): StandardSchemaV1 {
    return {
      "~standard": {
        version: 1,
        vendor: "throwing",
        validate: (value) => {
          if (async) return Promise.reject(thrown());
          void value;
          throw thrown();
        },
      },
    };
  }

  /** A validator that recurses once per level, as many do: deep input overflows the call stack. */
  const recursiveValidator: StandardSchemaV1 = {
    "~standard": {
      version: 1,
      vendor: "recursive",
      validate(value) {
        const check = (node: unknown): boolean =>
          Array.isArray(node) ? node.every(check) : (node as string).length === -1 ? true : String(node) === "";
        return check(value) ? { value } : { issues: [{ message: `bad value "${String(value)}"` }] };
      },
    },
  };

  it("turns a real RangeError from a recursive validator into SCHEMA_MISMATCH, keeping only its name", async () => {
    const error = await rejectionOf(validateWithSchema(recursiveValidator, JSON.parse(nestedArrays(100_000))));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
    expect((error as SecretsError).message).toContain("threw RangeError");
    expect((error as SecretsError).cause).toBeUndefined();
    expectNoLeak(error);
  });

  it.each([
    ["a TypeError quoting the value", () => new TypeError(`cannot read ${CANARY}`), "TypeError"],
    ["a RangeError quoting the value", () => new RangeError(`Maximum call stack at ${CANARY}`), "RangeError"],
    ["a custom error", () => Object.assign(new Error(CANARY), { name: "ValidationError" }), "ValidationError"],
    ["an error whose name quotes the value", () => Object.assign(new Error("x"), { name: CANARY }), "an exception"],
    ["a string", () => CANARY, "a thrown string"],
    [
      "an object whose getters throw",
      () => ({
        get name(): string {
          throw new Error(CANARY);
        },
      }),
      "an exception",
    ],
  ])("turns %s into SCHEMA_MISMATCH without its message", async (_, thrown, name) => {
    for (const async of [false, true]) {
      const error = await rejectionOf(validateWithSchema(throwing(thrown, async), { password: CANARY }));

      expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
      expect((error as SecretsError).issues).toEqual([
        { path: [], message: `the validator threw ${name} (message withheld)` },
      ]);
      expect((error as SecretsError).cause).toBeUndefined();
      expectNoLeak(error);
    }
  });

  it.each([
    ["null", null],
    ["issues that are not a list", { issues: 5 }],
    [
      "an issue whose getters throw",
      {
        issues: [
          Object.defineProperty({}, "message", {
            get: () => {
              throw new Error(CANARY);
            },
          }),
        ],
      },
    ],
  ])("turns a result of %s into a SecretsError", async (_, result) => {
    const schema: StandardSchemaV1 = {
      "~standard": { version: 1, vendor: "odd", validate: () => result as never },
    };

    const error = await rejectionOf(validateWithSchema(schema, { password: CANARY }));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
    expectNoLeak(error);
  });
});
