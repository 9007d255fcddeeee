import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { codeForAwsName, toSecretsError } from "../src/aws/errors.js";
import { type StandardSchemaV1, validateWithSchema } from "../src/core/schema.js";
import { escapeControl } from "../src/core/text.js";
import { ArgumentError, isSecretsError, SecretsError } from "../src/index.js";
import { parseJsonText } from "../src/read/decode.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { jsonSchemaDeclaring } from "./helpers/schemas.js";

describe("SecretsError", () => {
  it("names the transport, the operation, the id and the code in its message", () => {
    const error = new SecretsError({
      code: "NOT_FOUND",
      operation: "getSecretValue",
      secretId: "db/creds",
      transport: "agent",
      detail: "404 Not Found",
    });

    expect(error.message).toMatchInlineSnapshot(
      `"[secretwrangler] [agent] getSecretValue "db/creds" failed (NOT_FOUND): 404 Not Found"`,
    );
    expect(error.name).toBe("SecretsError");
  });

  it("derives retryable from the code unless told", () => {
    expect(new SecretsError({ code: "THROTTLED", operation: "x" }).retryable).toBe(true);
    expect(new SecretsError({ code: "NOT_FOUND", operation: "x" }).retryable).toBe(false);
    expect(new SecretsError({ code: "NOT_FOUND", operation: "x", retryable: true }).retryable).toBe(true);
  });

  it("serializes to a value-free object with JSON.stringify", () => {
    const error = new SecretsError({ code: "ACCESS_DENIED", operation: "getSecretValue", secretId: "a", status: 400 });

    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "SecretsError",
      code: "ACCESS_DENIED",
      message: error.message,
      operation: "getSecretValue",
      secretId: "a",
      retryable: false,
      status: 400,
    });
  });

  it("shows its cause in util.inspect", () => {
    const error = new SecretsError({ code: "TRANSPORT", operation: "x", cause: new Error("socket hang up") });

    expect(inspect(error)).toContain("socket hang up");
  });
});

describe("isSecretsError", () => {
  it("narrows by one or more codes", () => {
    const error: unknown = new SecretsError({ code: "TIMEOUT", operation: "x" });

    expect(isSecretsError(error)).toBe(true);
    expect(isSecretsError(error, "TIMEOUT", "THROTTLED")).toBe(true);
    expect(isSecretsError(error, "NOT_FOUND")).toBe(false);
    expect(isSecretsError(new Error("x"))).toBe(false);
  });

  it("recognizes an error from another copy of the library by name and code", () => {
    const foreign = Object.assign(new Error("x"), { name: "SecretsError", code: "NOT_FOUND" });

    expect(isSecretsError(foreign, "NOT_FOUND")).toBe(true);
  });
});

describe("AWS error mapping", () => {
  it.each([
    ["ResourceNotFoundException", "NOT_FOUND"],
    ["com.amazonaws.secretsmanager#ResourceNotFoundException", "NOT_FOUND"],
    ["ParameterNotFound", "NOT_FOUND"],
    ["AccessDeniedException:http://internal.amazon.com/coral/", "ACCESS_DENIED"],
    ["ThrottlingException", "THROTTLED"],
    ["DecryptionFailure", "DECRYPTION_FAILED"],
    ["InvalidRequestException", "INVALID_REQUEST"],
    ["CredentialsProviderError", "CREDENTIALS"],
    ["SomethingNew", "TRANSPORT"],
  ] as const)("maps %s to %s", (name, code) => {
    expect(codeForAwsName(name)).toBe(code);
  });

  it("falls back on the HTTP status for unknown names", () => {
    expect(codeForAwsName(undefined, 429)).toBe("THROTTLED");
    expect(codeForAwsName("Weird", 403)).toBe("ACCESS_DENIED");
    expect(codeForAwsName("Weird", 404)).toBe("NOT_FOUND");
    expect(codeForAwsName("Weird", 503)).toBe("TRANSPORT");
  });

  it("maps Node network error codes", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });

    expect(toSecretsError(refused, { operation: "getSecretValue", transport: "sdk" }).code).toBe("TRANSPORT");
  });

  it("passes a SecretsError through unchanged", () => {
    const original = new SecretsError({ code: "CONFIG", operation: "x" });

    expect(toSecretsError(original, { operation: "y", transport: "sdk" })).toBe(original);
  });
});

describe("value-free parsing and validation errors", () => {
  it("never quotes the input of broken JSON, whatever JSON.parse says", () => {
    for (const text of [CANARY, `{"a": ${CANARY}}`, `["${CANARY}"`, `{"${CANARY}": 1,}`]) {
      let caught: unknown;
      try {
        parseJsonText(text, { secretId: "s", transport: "memory" });
      } catch (error) {
        caught = error;
      }

      expect(isSecretsError(caught, "NOT_JSON")).toBe(true);
      expectNoLeak(caught);
    }
  });

  it("says an empty value is empty", () => {
    expect(() => parseJsonText("  ", { secretId: "s", transport: "memory" })).toThrow(/the value is empty/);
  });

  it("rejects something that is not a Standard Schema as CONFIG", async () => {
    const error = await rejectionOf(validateWithSchema({} as never, {}));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
  });
});

describe("schema issue messages that quote the input", () => {
  const quoting: StandardSchemaV1 = {
    "~standard": {
      version: 1,
      vendor: "quoting",
      validate: (value) => ({
        issues: [
          { message: `Invalid type: Expected number but received "${(value as { pin: string }).pin}"`, path: ["pin"] },
          { message: "Expected number", path: ["port"] },
        ],
      }),
      // Declares its keys (Standard JSON Schema), so that paths name them: see schema-keys.test.ts.
      jsonSchema: jsonSchemaDeclaring(["pin", "port"]),
    } as StandardSchemaV1.Props,
  };

  it("replaces a message that quotes a value, and keeps the others", async () => {
    const error = await rejectionOf(validateWithSchema(quoting, { pin: CANARY, port: "x" }));

    expect((error as SecretsError).issues).toEqual([
      { path: ["pin"], message: "invalid value (the validator's message quoted it)" },
      { path: ["port"], message: "Expected number" },
    ]);
    expectNoLeak(error);
  });

  it("replaces a message that prints a short number bare, as valibot and arktype do", async () => {
    const bare: StandardSchemaV1 = {
      "~standard": {
        version: 1,
        vendor: "bare",
        validate: () => ({ issues: [{ message: "Invalid type: Expected string but received 482913", path: ["pin"] }] }),
      },
    };

    const error = await rejectionOf(validateWithSchema(bare, { pin: 482913, port: "x" }));

    expect((error as SecretsError).issues?.[0]?.message).toBe("invalid value (the validator's message quoted it)");
  });

  it("keeps a message that only names a field", async () => {
    const naming: StandardSchemaV1 = {
      "~standard": {
        version: 1,
        vendor: "naming",
        validate: () => ({ issues: [{ message: "port must be a number", path: ["port"] }] }),
        jsonSchema: jsonSchemaDeclaring(["port"]),
      } as StandardSchemaV1.Props,
    };

    const error = await rejectionOf(validateWithSchema(naming, { port: "x" }));

    expect((error as SecretsError).issues?.[0]?.message).toBe("port must be a number");
  });

  it("replaces zod's message for an unrecognized key, which quotes the key", async () => {
    const schema = z.strictObject({ user: z.string() });

    const error = await rejectionOf(validateWithSchema(schema, { user: "u", [CANARY]: true }));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
    expectNoLeak(error);
  });
});

describe("control characters in messages", () => {
  /** Every kind of character that can inject into a log line or a terminal. */
  const INJECTIONS = ["\r\n", "\u001b[31m", "\u0000", "\u0007", "\u007f", "\u0085", "\u009b", "\u2028", "\u2029"];
  const BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"];
  /** Matches text with any raw character of those kinds (no regex literal: the linter refuses control characters). */
  const hasRaw = (text: string): boolean =>
    [...text].some((character) => {
      const code = character.codePointAt(0) ?? 0;
      return (
        code < 0x20 ||
        (code >= 0x7f && code <= 0x9f) ||
        (code >= 0x2028 && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069)
      );
    });

  it.each([...INJECTIONS, ...BIDI])(
    "escapes %j in the secret id, transport, detail and hint, and keeps the raw id",
    (character) => {
      const id = `prod/db${character}FAKE LOG LINE`;
      const error = new SecretsError({
        code: "NOT_FOUND",
        operation: "getSecretValue",
        secretId: id,
        transport: `file:/tmp/x${character}y`,
        detail: `no such file /tmp/a${character}b`,
        hint: `check ${character}the spec`,
      });

      expect(hasRaw(error.message)).toBe(false);
      expect(String(error.stack).startsWith(`SecretsError: ${error.message}\n`)).toBe(true);
      expect(hasRaw(String(error.toJSON().message))).toBe(false);
      expect(error.message).toContain(`prod/db${escapeControl(character)}FAKE LOG LINE`);
      expect(error.secretId).toBe(id);
    },
  );

  it("escapes as \\xNN and \\uNNNN, leaves other text (backslashes, accents, emoji) alone, and is idempotent", () => {
    expect(escapeControl("a\r\nb\u001b[0m\u0000")).toBe("a\\x0D\\x0Ab\\x1B[0m\\x00");
    expect(escapeControl("\u0085\u2028\u202e\u2069")).toBe("\\x85\\u2028\\u202E\\u2069");
    expect(escapeControl("\ud800x\udc00")).toBe("\\uD800x\\uDC00");
    const plain = 'C:\\Users\\é 😀 prod/db-1 "quoted"';
    expect(escapeControl(plain)).toBe(plain);
    const once = escapeControl(`x${INJECTIONS.join("")}${BIDI.join("")}`);
    expect(escapeControl(once)).toBe(once);
    expect(hasRaw(once)).toBe(false);
  });

  it("escapes an id through a real read: NOT_FOUND for an id with a line break", async () => {
    const { createSecretsClient, memoryTransport } = await import("../src/index.js");
    const secrets = createSecretsClient({ transport: memoryTransport({}) });

    const error = await rejectionOf(secrets.getSecret("app\r\n[secretwrangler] fake line\u001b[2J"));

    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect(hasRaw((error as Error).message)).toBe(false);
    expect((error as SecretsError).secretId).toBe("app\r\n[secretwrangler] fake line\u001b[2J");
  });

  it("escapes ArgumentError messages, which stay TypeErrors", () => {
    const error = new ArgumentError(`parameter "a\nb\u202e": labels must be non-empty`);

    expect(error).toBeInstanceOf(TypeError);
    expect(error.name).toBe("ArgumentError");
    expect(error.message).toBe('parameter "a\\x0Ab\\u202E": labels must be non-empty');
    expect(String(error.stack).startsWith(`ArgumentError: ${error.message}\n`)).toBe(true);
  });

  it("escapes control characters a validator's message or a declared key carries", async () => {
    const schema = z.object({ "we\nird": z.number() });

    const error = await rejectionOf(validateWithSchema(schema, { "we\nird": "x" }));

    expect((error as SecretsError).issues?.[0]?.path).toEqual(["we\nird"]);
    expect((error as SecretsError).message).toContain("we\\x0Aird");
    expect(hasRaw((error as SecretsError).message)).toBe(false);
  });
});
