/**
 * Turns a transport's record into what a caller asked for: text, bytes or parsed JSON. Each failure
 * is a value-free {@link SecretsError}.
 */
import { SecretsError } from "../core/errors.js";
import type { SecretRecord } from "../transport/types.js";

/** Where a record came from, for errors. */
export interface DecodeContext {
  readonly secretId: string;
  readonly transport: string;
}

/** The record's text, or `WRONG_TYPE` for a binary secret. */
export function secretText(record: SecretRecord, context: DecodeContext): string {
  if (typeof record.secretString === "string") return record.secretString;
  throw new SecretsError({
    code: "WRONG_TYPE",
    operation: "getSecretString",
    ...context,
    detail: record.secretBinary ? "the secret is binary; use getSecretBinary" : "the secret has no string value",
  });
}

/** A copy of the record's bytes, or `WRONG_TYPE` for a string secret. */
export function secretBytes(record: SecretRecord, context: DecodeContext): Uint8Array {
  // A copy: the record may be shared by a cache, and typed arrays cannot be frozen.
  if (record.secretBinary instanceof Uint8Array) return Uint8Array.from(record.secretBinary);
  throw new SecretsError({
    code: "WRONG_TYPE",
    operation: "getSecretBinary",
    ...context,
    detail:
      typeof record.secretString === "string"
        ? "the secret is a string; use getSecret or getSecretJson"
        : "the secret has no binary value",
  });
}

/**
 * Parses JSON text, or throws `NOT_JSON`. The message says where parsing stopped, never what was
 * there: `JSON.parse`'s own message quotes the input.
 */
export function parseJsonText(text: string, context: DecodeContext & { readonly operation?: string }): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
    throw new SecretsError({
      code: "NOT_JSON",
      operation: context.operation ?? "parseJson",
      secretId: context.secretId,
      transport: context.transport,
      detail:
        text.trim() === ""
          ? "the value is empty"
          : `the value is not valid JSON${position === undefined ? "" : ` (at character ${position} of ${text.length})`}`,
    });
  }
}
