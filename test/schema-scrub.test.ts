/**
 * The schema-message scrubber has no size or depth past which it trusts a validator: below its
 * bounds it finds every quoted value; past them it withholds every message.
 */
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { SecretsError } from "../src/core/errors.js";
import { validateWithSchema } from "../src/core/schema.js";
import { MAX_SCAN_NODES } from "../src/core/scrub.js";
import { createSecretsClient, isSecretsError, memoryTransport } from "../src/index.js";
import { CANARY, expectNoLeak, jsonEscaped, rejectionOf } from "./helpers/canary.js";
import { issuesSchema } from "./helpers/schemas.js";

/** `{"allow":[...count numbers],"password":"<CANARY>"}` as Secrets Manager would hold it. */
function allowListSecret(count: number): string {
  const allow = Array.from({ length: count }, (_, index) => 1000 + index);
  return JSON.stringify({ allow, password: CANARY });
}

/** `{"a":{"a":...{"password":"<CANARY>"}}}`, `depth` levels deep. */
function nestedSecret(depth: number): string {
  return `${'{"a":'.repeat(depth)}{"password":"${CANARY}"}${"}".repeat(depth)}`;
}

const AllowList = v.object({ allow: v.array(v.number()), password: v.number() });

describe("the scrubber past 10,000 leaves", () => {
  it.each([10_000, 20_000, 100_000])("replaces valibot's quote of the value beside %i numbers", async (count) => {
    const text = allowListSecret(count);
    const error = await rejectionOf(validateWithSchema(AllowList, JSON.parse(text), { secretId: "prod/api" }));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
    expect((error as SecretsError).issues).toEqual([
      { path: ["password"], message: "invalid type: expected number (the validator's message quoted it)" },
    ]);
    expect(JSON.stringify(error)).not.toContain(CANARY);
    expectNoLeak(error);
  });

  it("measures the example of the issue: a 51 KB secret read through the client", async () => {
    const text = allowListSecret(10_000);
    expect(text.length).toBeGreaterThan(50_000);
    expect(text.length).toBeLessThan(64 * 1024);
    const secrets = createSecretsClient({ transport: memoryTransport({ "prod/api": text }) });

    const error = await rejectionOf(secrets.getSecretJson("prod/api", { schema: AllowList }));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
    expect((error as SecretsError).issues?.[0]?.message).not.toContain(CANARY);
    expectNoLeak(error);
  });

  it("withholds every message once the input is past the bound, without trusting the validator", async () => {
    const count = MAX_SCAN_NODES + 10;
    const error = await rejectionOf(validateWithSchema(AllowList, JSON.parse(allowListSecret(count))));

    expect((error as SecretsError).issues).toEqual([
      { path: ["password"], message: "invalid type: expected number (message withheld: input too large to check)" },
    ]);
    expectNoLeak(error);
  });

  it("withholds a message that quotes nothing too, past the bound", async () => {
    const schema = issuesSchema(() => [{ message: "Expected number", path: ["port"] }], ["port"]);
    const error = await rejectionOf(validateWithSchema(schema, { port: "x", big: new Array(MAX_SCAN_NODES + 1) }));

    expect((error as SecretsError).issues).toEqual([
      { path: ["port"], message: "invalid value (message withheld: input too large to check)" },
    ]);
  });
});

describe("the scrubber past depth 32", () => {
  type Node = { a?: Node; password?: number };
  const Nested: v.GenericSchema<Node> = v.object({
    a: v.optional(v.lazy(() => Nested)),
    password: v.optional(v.number()),
  });

  it.each([33, 100, 1_000])("replaces valibot's quote of a value %i levels deep", async (depth) => {
    const error = await rejectionOf(validateWithSchema(Nested, JSON.parse(nestedSecret(depth))));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
    const issue = (error as SecretsError).issues?.[0];
    expect(issue?.path).toEqual([...Array.from({ length: depth }, () => "a"), "password"]);
    expect(issue?.message).toBe("invalid type: expected number (the validator's message quoted it)");
    expectNoLeak(error);
  });

  it.each([1_000, 100_000])(
    "replaces a quote of a value %i levels deep from a validator that walks iteratively",
    async (depth) => {
      const quoting = issuesSchema((value) => {
        let node = value as { a?: unknown; password?: string };
        while (node.a !== undefined) node = node.a as typeof node;
        return [{ message: `Expected number but received "${node.password}"`, path: ["password"] }];
      });

      const error = await rejectionOf(validateWithSchema(quoting, JSON.parse(nestedSecret(depth))));

      expect((error as SecretsError).issues?.[0]?.message).toBe("invalid value (the validator's message quoted it)");
      expectNoLeak(error);
    },
  );
});

describe("values a validator prints other than verbatim", () => {
  it("replaces a truncated quote of a long value", async () => {
    const truncating = issuesSchema((value) => [
      { message: `Expected number, received "${String((value as { pin: string }).pin).slice(0, 12)}..."` },
    ]);

    const error = await rejectionOf(validateWithSchema(truncating, { pin: CANARY }));

    expect((error as SecretsError).issues?.[0]?.message).toBe("invalid value (the validator's message quoted it)");
    expectNoLeak(error);
  });

  it("replaces arktype's JSON-escaped quote of a value full of quotes and line breaks", async () => {
    const secret = `"\n${CANARY.split("").join('"')}\n"`;
    const schema = type({ password: "'a' | 'b'" });

    const error = await rejectionOf(validateWithSchema(schema, { password: secret }));

    expect((error as SecretsError).issues?.[0]?.path).toEqual(["password"]);
    expectNoLeak(error, [secret, jsonEscaped(secret)]);
  });

  it("replaces valibot's print of a bigint", async () => {
    const pin = 738_205_119_463_302_871n;
    const error = await rejectionOf(validateWithSchema(v.object({ pin: v.string() }), { pin }));

    expect((error as SecretsError).issues?.[0]?.message).toBe(
      "invalid type: expected string (the validator's message quoted it)",
    );
    expectNoLeak(error, [String(pin)]);
  });

  it.each([
    ["valibot", v.object({ pin: v.string() })],
    ["arktype", type({ pin: "string" })],
  ] as const)("replaces %s's bare print of a number of 4 to 7 digits", async (_, schema) => {
    const error = await rejectionOf(validateWithSchema(schema, { pin: 482913 }));

    expect(JSON.stringify((error as SecretsError).issues)).not.toContain("482913");
  });

  it("keeps a message that quotes a value shorter than 4 characters, and one that prints a boolean", async () => {
    const error = await rejectionOf(
      validateWithSchema(v.object({ a: v.number(), b: v.number() }), { a: "abc", b: true }),
    );

    expect((error as SecretsError).issues).toEqual([
      { path: ["a"], message: 'Invalid type: Expected number but received "abc"' },
      { path: ["b"], message: "Invalid type: Expected number but received true" },
    ]);
  });

  it("keeps zod's messages, which do not quote values", async () => {
    const error = await rejectionOf(validateWithSchema(z.object({ password: z.number() }), { password: CANARY }));

    expect((error as SecretsError).issues).toEqual([
      { path: ["password"], message: "Invalid input: expected number, received string" },
    ]);
  });
});

describe("many issues", () => {
  it("checks 20,000 issues that each quote a different value, in linear time", async () => {
    const values = Array.from({ length: 20_000 }, (_, index) => `${CANARY}-${index}`);
    const started = performance.now();

    const error = await rejectionOf(validateWithSchema(v.array(v.number()), values));

    expect(performance.now() - started).toBeLessThan(10_000);
    const issues = (error as SecretsError).issues ?? [];
    expect(issues).toHaveLength(20_000);
    expect(issues.every((issue) => !issue.message.includes(CANARY.slice(0, 8)))).toBe(true);
    expectNoLeak(error);
  });
});
