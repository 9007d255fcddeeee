/** Turns a transport's parameter record into the value a caller reads. */
import { SecretsError } from "../core/errors.js";
import type { ParameterRecord, ParameterType } from "../transport/types.js";

/** Where a record came from, for errors. */
export interface ParameterContext {
  readonly operation: string;
  readonly name: string;
  readonly transport: string;
}

/**
 * A `StringList`'s items (AWS joins them with commas, without spaces) or the text of the others. The
 * array is new on every call, so callers may keep or change it.
 */
export function parameterValue(record: ParameterRecord): string | string[] {
  return record.type === "StringList" ? record.value.split(",") : record.value;
}

/** The record, or `WRONG_TYPE` when it is not of the expected type. Names types only, never the value. */
export function assertParameterType(
  record: ParameterRecord,
  expected: ParameterType,
  context: ParameterContext,
): ParameterRecord {
  if (record.type === expected) return record;
  throw new SecretsError({
    code: "WRONG_TYPE",
    operation: context.operation,
    secretId: context.name,
    transport: context.transport,
    detail: `expected a ${expected} parameter, got a ${record.type}`,
  });
}
