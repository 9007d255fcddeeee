/**
 * Standard Schema support: any validator that implements the Standard Schema interface (zod 4,
 * valibot, arktype, ...) can check a secret. The types are the spec's, declared here so that the
 * library needs no validator at runtime.
 */
import { SecretsError, type SecretsErrorIssue } from "./errors.js";
import { deepFreeze } from "./freeze.js";

/** The Standard Schema v1 interface (https://standardschema.dev). zod 4 implements it. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  /** The properties every Standard Schema exposes under `~standard`. */
  export interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }
  /** The result of `validate`. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  /** A successful validation. */
  export interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  /** A failed validation. */
  export interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One validation problem. */
  export interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** A path segment in object form. */
  export interface PathSegment {
    readonly key: PropertyKey;
  }
  /** Type carriers for inference. */
  export interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  /** The output type of a schema. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}

/** The output type of a Standard Schema, e.g. `z.infer<typeof S>` for zod. */
export type InferSchemaOutput<S extends StandardSchemaV1> = StandardSchemaV1.InferOutput<S>;

/** Texts shorter than this are too common to be recognized as a quoted value. */
const MIN_QUOTED_LENGTH = 4;
/** Texts at least this long count as quoted wherever they appear, quotes or not. */
const MIN_BARE_LENGTH = 8;
/** Bounds on how much of the input is walked when looking for quoted values. */
const MAX_LEAVES = 10_000;
const MAX_DEPTH = 32;

/** What a validator's message could quote: the input's strings and numbers, and its object keys. */
interface Quotable {
  readonly values: Set<string>;
  readonly keys: Set<string>;
}

function quotable(value: unknown, found: Quotable = { values: new Set(), keys: new Set() }, depth = 0): Quotable {
  if (found.values.size + found.keys.size >= MAX_LEAVES || depth > MAX_DEPTH) return found;
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") {
    const text = String(value);
    if (text.length >= MIN_QUOTED_LENGTH) found.values.add(text);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key.length >= MIN_QUOTED_LENGTH && !Array.isArray(value)) found.keys.add(key);
      quotable(child, found, depth + 1);
    }
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Whether `message` quotes `text`: a long text anywhere; a short one in quotes, or, for a value, as
 * a whole word (valibot and arktype print numbers bare: `received 482913`). A short key counts only
 * in quotes: field names such as `port` are what messages talk about.
 */
function quotes(message: string, text: string, isValue: boolean): boolean {
  if (text.length >= MIN_BARE_LENGTH) return message.includes(text);
  if (message.includes(`"${text}"`) || message.includes(`'${text}'`) || message.includes(`\`${text}\``)) return true;
  return isValue && new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(text)}(?![A-Za-z0-9])`).test(message);
}

/**
 * Only the path and the message are kept: some validators put the received value in other fields.
 * A message that quotes any part of the input (valibot's "received ...", zod's "Unrecognized key:
 * ...") is replaced by a fixed one.
 */
function toIssue(issue: StandardSchemaV1.Issue, input: () => Quotable): SecretsErrorIssue {
  const path = (issue.path ?? []).map((segment) => {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    return typeof key === "number" ? key : String(key);
  });
  const message = String(issue.message);
  const { values, keys } = input();
  const quoted =
    [...values].some((text) => quotes(message, text, true)) || [...keys].some((text) => quotes(message, text, false));
  return quoted ? { path, message: "invalid value (the validator's message quoted it)" } : { path, message };
}

/** Where a value being validated came from, for the error. */
export interface ValidationContext {
  readonly secretId?: string | undefined;
  readonly transport?: string | undefined;
  readonly operation?: string | undefined;
}

/**
 * Validates `value` with a Standard Schema and returns its output, or throws `SCHEMA_MISMATCH`
 * with the issues' paths and messages (never the input).
 */
export async function validateWithSchema<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  context: ValidationContext = {},
): Promise<InferSchemaOutput<S>> {
  const standard = (schema as Partial<StandardSchemaV1>)?.["~standard"];
  if (typeof standard?.validate !== "function") {
    throw new SecretsError({
      code: "CONFIG",
      operation: context.operation ?? "validate",
      secretId: context.secretId,
      transport: context.transport,
      detail: "the schema option is not a Standard Schema (zod 4, valibot, arktype, ...)",
    });
  }
  let result = standard.validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues) {
    let texts: Quotable | undefined;
    const input = () => {
      texts ??= quotable(value);
      return texts;
    };
    const issues = result.issues.map((issue) => toIssue(issue, input));
    const where = issues
      .slice(0, 5)
      .map((issue) => (issue.path.length ? issue.path.join(".") : "(root)"))
      .join(", ");
    throw new SecretsError({
      code: "SCHEMA_MISMATCH",
      operation: context.operation ?? "validate",
      secretId: context.secretId,
      transport: context.transport,
      issues,
      detail: `${issues.length} issue${issues.length === 1 ? "" : "s"} at ${where}${issues.length > 5 ? ", ..." : ""}`,
    });
  }
  return result.value as InferSchemaOutput<S>;
}

/** Per schema: a validation in progress, then its frozen output. */
export type ValidationMemo = WeakMap<object, Promise<unknown> | { readonly output: unknown }>;

/**
 * Validates `value` once per memo and schema and returns the deep-frozen output: synchronously once
 * a validation has succeeded (the cache's hot path), else the pending promise. A memo belongs to one
 * value (a cached record, a built tree), so callers sharing the value share the validation.
 */
export function validateOnce(
  memo: ValidationMemo,
  schema: StandardSchemaV1,
  value: unknown,
  context: ValidationContext,
): unknown {
  // A primitive is no schema (validateWithSchema reports it) and cannot key a WeakMap; arktype's are functions.
  if ((typeof schema !== "object" && typeof schema !== "function") || schema === null) {
    return validateWithSchema(schema, value, context);
  }
  const known = memo.get(schema);
  if (known !== undefined) return known instanceof Promise ? known : known.output;
  const validation = validateWithSchema(schema, value, context).then((result) => {
    const output = deepFreeze(result);
    memo.set(schema, { output });
    return output;
  });
  memo.set(schema, validation);
  return validation;
}
