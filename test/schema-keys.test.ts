/**
 * Object keys of the value are data unless the schema declares them: an undeclared key prints as
 * `<key>` in `issues[].path` and in the message, and a strict object's unknown key is reported as
 * "an unrecognized key at <path>".
 */
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { SecretsError } from "../src/core/errors.js";
import { type StandardSchemaV1, validateWithSchema } from "../src/core/schema.js";
import { declaredKeys } from "../src/core/schema-keys.js";
import { createSecretsClient, isSecretsError, memoryTransport } from "../src/index.js";
import { CANARY, expectNoLeak, exposedText, rejectionOf } from "./helpers/canary.js";
import { issuesSchema } from "./helpers/schemas.js";

const records: readonly (readonly [string, StandardSchemaV1])[] = [
  ["zod", z.object({ apiKeys: z.record(z.string(), z.object({ role: z.string() })) })],
  ["valibot", v.object({ apiKeys: v.record(v.string(), v.object({ role: v.string() })) })],
  ["arktype", type({ apiKeys: type.Record("string", { role: "string" }) })],
];

/** Keys of every length: a long canary, a 4-7 character one, a short one, an index-like one. */
const KEYS = [CANARY, "k3y-9f", "ab", "7"];

function expectKeyHidden(error: unknown, key: string): void {
  const text = exposedText(error);
  if (key.length >= 8) expectNoLeak(error, [key]);
  else expect(text).not.toMatch(new RegExp(`(?<![A-Za-z0-9])${key.replace(/[-]/g, "\\-")}(?![A-Za-z0-9])`));
}

describe("keys of a record", () => {
  for (const [vendor, schema] of records) {
    it.each(KEYS)(`redacts the key %j of a ${vendor} record in paths and messages`, async (key) => {
      const value = { apiKeys: { [key]: { role: 1 } } };

      const error = await rejectionOf(validateWithSchema(schema, value, { secretId: "prod/keys" }));

      expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
      expect((error as SecretsError).issues?.map((issue) => issue.path)).toEqual([["apiKeys", "<key>", "role"]]);
      expect((error as SecretsError).message).toContain("1 issue at apiKeys.<key>.role");
      expect((error as SecretsError).detail).toBe("1 issue at apiKeys.<key>.role");
      expectKeyHidden(error, key);
    });
  }

  it("redacts a record key read through the client, in the message, toJSON and inspect", async () => {
    const secrets = createSecretsClient({
      transport: memoryTransport({ "prod/keys": JSON.stringify({ apiKeys: { [CANARY]: { role: 7 } } }) }),
    });

    const error = await rejectionOf(secrets.getSecretJson("prod/keys", { schema: records[0]?.[1] as never }));

    expect((error as SecretsError).issues?.[0]?.path).toEqual(["apiKeys", "<key>", "role"]);
    expectNoLeak(error);
  });

  it("keeps arktype's path-free problem when its message printed a redacted key", async () => {
    const error = await rejectionOf(validateWithSchema(records[2]?.[1] as never, { apiKeys: { abcd: { role: 1 } } }));

    expect((error as SecretsError).issues).toEqual([
      { path: ["apiKeys", "<key>", "role"], message: "must be a string (was a number)" },
    ]);
  });

  it("redacts a valibot map's keys", async () => {
    const schema = v.object({ users: v.map(v.string(), v.number()) });

    const error = await rejectionOf(validateWithSchema(schema, { users: new Map([[CANARY, "x"]]) }));

    expect((error as SecretsError).issues?.[0]?.path).toEqual(["users", "<key>"]);
    expectNoLeak(error);
  });
});

describe("unknown keys of strict objects", () => {
  const strict: readonly (readonly [string, StandardSchemaV1])[] = [
    ["zod", z.object({ db: z.strictObject({ host: z.string() }) })],
    ["valibot", v.object({ db: v.strictObject({ host: v.string() }) })],
    ["arktype", type({ db: { "+": "reject", host: "string" } })],
  ];

  for (const [vendor, schema] of strict) {
    it.each(KEYS)(`reports the unknown key %j of a ${vendor} strict object as an unrecognized key`, async (key) => {
      const error = await rejectionOf(validateWithSchema(schema, { db: { host: "h", [key]: CANARY } }));

      expect((error as SecretsError).issues).toEqual([
        { path: ["db", "<key>"], message: "an unrecognized key at db.<key>" },
      ]);
      expect((error as SecretsError).message).toContain("1 issue at db.<key>");
      expectKeyHidden(error, key);
      expectNoLeak(error);
    });
  }

  it("counts zod's unrecognized keys", async () => {
    const error = await rejectionOf(
      validateWithSchema(z.strictObject({ a: z.string() }), { a: "x", b: 1, [CANARY]: 2 }),
    );

    expect((error as SecretsError).issues).toEqual([{ path: ["<key>"], message: "2 unrecognized keys at <key>" }]);
  });
});

describe("declared keys", () => {
  const Db = { host: "db.internal", port: "x" };
  const nested: readonly (readonly [string, StandardSchemaV1])[] = [
    [
      "zod (optional, transform, lazy)",
      z
        .object({
          servers: z.array(z.lazy(() => z.object({ host: z.string(), port: z.number() }).optional())),
        })
        .transform((value) => value),
    ],
    [
      "valibot (pipe, optional, lazy)",
      v.pipe(
        v.object({
          servers: v.array(v.lazy(() => v.optional(v.object({ host: v.string(), port: v.number() })))),
        }),
        v.check(() => true),
      ),
    ],
    [
      "arktype (morph, union)",
      type({ servers: type({ host: "string", port: "number" }).or("string").array() }).pipe((x) => x),
    ],
  ];

  it.each(nested)("keeps the keys that %s declares and array indices", async (_, schema) => {
    const error = await rejectionOf(validateWithSchema(schema, { servers: [{ host: "a", port: 1 }, Db] }));

    expect((error as SecretsError).issues?.map((issue) => issue.path)).toContainEqual(["servers", 1, "port"]);
    expect((error as SecretsError).message).toContain("servers.1.port");
  });

  it("finds declared keys in zod, valibot and arktype schemas and in a Standard JSON Schema", () => {
    const jsonSchema = issuesSchema(() => [], ["user", "password"]);

    expect([...declaredKeys(z.object({ a: z.object({ b: z.string() }).optional() }))].sort()).toEqual(["a", "b"]);
    expect([...declaredKeys(v.object({ a: v.nullish(v.object({ b: v.string() })) }))].sort()).toEqual(["a", "b"]);
    expect([...declaredKeys(type({ a: { "b?": "string" } }))].sort()).toEqual(["a", "b"]);
    expect([...declaredKeys(jsonSchema)].sort()).toEqual(["password", "user"]);
    expect([...declaredKeys(issuesSchema(() => []))]).toEqual([]);
  });
});

describe("schemas that cannot be introspected", () => {
  const opaque = issuesSchema(() => [
    { message: "expected a string", path: ["user"] },
    { message: "is required", path: ["password"] },
  ]);

  it("redacts a key found in the value, and keeps a key the value does not have", async () => {
    const error = await rejectionOf(validateWithSchema(opaque, { user: 42 }));

    expect((error as SecretsError).issues).toEqual([
      { path: ["<key>"], message: "expected a string" },
      { path: ["password"], message: "is required" },
    ]);
  });

  it("redacts a key the value does not have when its text is in the value", async () => {
    const echoing = issuesSchema((value) => [
      { message: "bad", path: [String((value as { token: string }).token)] },
      { message: "bad", path: [String((value as { token: string }).token).slice(2, 14)] },
    ]);

    const error = await rejectionOf(validateWithSchema(echoing, { token: CANARY }));

    expect((error as SecretsError).issues?.map((issue) => issue.path)).toEqual([["<key>"], ["<key>"]]);
    expectNoLeak(error);
  });

  it("keeps the keys of a schema that offers its JSON Schema", async () => {
    const declaring = issuesSchema(() => [{ message: "expected a string", path: ["user"] }], ["user"]);

    const error = await rejectionOf(validateWithSchema(declaring, { user: 42 }));

    expect((error as SecretsError).issues).toEqual([{ path: ["user"], message: "expected a string" }]);
  });
});
