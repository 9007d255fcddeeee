/**
 * Standard Schema support: any validator that implements the Standard Schema interface (zod 4,
 * valibot, arktype, ...) can check a secret. The types are the spec's, declared here so that the
 * library needs no validator at runtime.
 */
import { SecretsError, type SecretsErrorIssue } from "./errors.js";

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

function toIssue(issue: StandardSchemaV1.Issue): SecretsErrorIssue {
  const path = (issue.path ?? []).map((segment) => {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    return typeof key === "number" ? key : String(key);
  });
  // Only the path and the message are kept: some validators put the received value in other fields.
  return { path, message: String(issue.message) };
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
    const issues = result.issues.map(toIssue);
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
