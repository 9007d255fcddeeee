/**
 * Standard Schema support: any validator that implements the Standard Schema interface (zod 4,
 * valibot, arktype, ...) can check a secret. The types are the spec's, declared here so that the
 * library needs no validator at runtime.
 */
import { SecretsError, type SecretsErrorIssue } from "./errors.js";
import { deepFreeze } from "./freeze.js";
import { declaredKeys } from "./schema-keys.js";
import { scanValue, WINDOW } from "./scrub.js";
import { escapeControl } from "./text.js";

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

/** How a redacted path segment (an object key that is data) prints. */
export const REDACTED_KEY = "<key>";
/** Paths in the message show at most this many segments. */
const MAX_SHOWN_SEGMENTS = 32;
/** Why a message was replaced. */
const QUOTED = "the validator's message quoted it";
const TOO_LARGE = "message withheld: input too large to check";

type Segment = string | number;

/** What is kept of one issue before the value is scanned. */
interface Draft {
  readonly segments: Segment[];
  /** Indices of `segments` whose text must be checked against the value (keys not found in it). */
  readonly probed: { readonly at: number; readonly probe: number }[];
  /** Raw texts of the redacted segments: the message must not mention them either. */
  readonly redactedKeys: string[];
  readonly kind: string;
  /** Number of unrecognized keys reported (strict objects), else 0. */
  readonly unknownKeys: number;
  /** Probe ids of the message and of arktype's path-free `problem`, or -1. */
  readonly message: number;
  readonly problem: number;
}

function isObjectLike(value: unknown): value is Record<PropertyKey, unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}

function read<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}

/** Type names a value-free message may name; anything else a validator says it expected is not repeated. */
const TYPE_NAMES: ReadonlySet<string> = new Set(
  "string number bigint boolean symbol undefined null object array function date integer int nan map set tuple never void".split(
    " ",
  ),
);

/**
 * Kinds of problem by the vendor's code (zod's and arktype's `code`, valibot's `type`): `too_big`,
 * `max`, `maxLength`, `max_length`, `max_value`, `max_size` and `before` are "too big", and so on.
 */
const KINDS: readonly (readonly [RegExp, string])[] = [
  [/^(?:too_big|max(?:Length|_length|_value|_size)?|before)$/, "too big"],
  [/^(?:too_small|min(?:Length|_length|_value|_size)?|after)$/, "too small"],
  [/^(?:invalid_format|pattern|regex)$/, "invalid format"],
  [/^(?:not_multiple_of|divisor)$/, "not a multiple of the step"],
  [/^invalid_key$/, "invalid key"],
  [/^invalid_element$/, "invalid element"],
  [/^(?:invalid_)?union$/, "no allowed alternative matched"],
  [/^required$/, "missing value"],
];

/**
 * A value-free description of what kind of problem an issue is, from the vendor's own fields (zod's
 * and arktype's `code`, valibot's `kind` and `type`, and `expected` only if it is a plain type name).
 */
function kindOf(issue: Record<PropertyKey, unknown>): string {
  const code = read(() => issue.code);
  const type = read(() => issue.type);
  const expectedText = read(() => issue.expected);
  const expected = typeof expectedText === "string" ? expectedText.replace(/^an? /, "") : undefined;
  const typeIssue =
    code === "invalid_type" || code === "domain" || code === "proto" || read(() => issue.kind) === "schema";
  if (code === "required" || typeIssue) {
    const kind = code === "required" ? "missing value" : "invalid type";
    return expected !== undefined && TYPE_NAMES.has(expected) ? `${kind}: expected ${expected}` : kind;
  }
  for (const name of [code, type]) {
    if (typeof name === "string") for (const [pattern, kind] of KINDS) if (pattern.test(name)) return kind;
  }
  return "invalid value";
}

/** Whether `message` mentions `key` in quotes or as a whole word (a short key), or anywhere (a long one). */
function mentions(message: string, key: string): boolean {
  if (key === "") return false;
  for (const text of new Set([key, JSON.stringify(key).slice(1, -1)])) {
    if (text.length >= WINDOW) {
      if (message.includes(text)) return true;
      continue;
    }
    for (let at = message.indexOf(text); at !== -1; at = message.indexOf(text, at + 1)) {
      const before = at === 0 ? "" : (message[at - 1] as string);
      const after = message[at + text.length] ?? "";
      if (!/[A-Za-z0-9]/.test(before) && !/[A-Za-z0-9]/.test(after)) return true;
    }
  }
  return false;
}

/** The path as the message shows it: `db.port`, `apiKeys.<key>.role`, `(root)`. */
export function formatPath(path: readonly Segment[]): string {
  if (path.length === 0) return "(root)";
  const shown = path.slice(0, MAX_SHOWN_SEGMENTS).join(".");
  return path.length > MAX_SHOWN_SEGMENTS ? `${shown}... (${path.length} levels)` : shown;
}

/** The raw path of an issue, its segments as keys; `undefined` if it cannot be read. */
function rawPath(issue: Record<PropertyKey, unknown>): unknown[] | undefined {
  return read(() => {
    const path = issue.path;
    if (path === undefined || path === null) return [];
    if (!Array.isArray(path)) return undefined;
    const keys: unknown[] = [];
    for (let index = 0; index < path.length; index++) {
      const segment: unknown = path[index];
      keys.push(isObjectLike(segment) ? segment.key : segment);
    }
    return keys;
  });
}

/** Whether the issue reports a key that a strict object does not declare (the last path segment, or zod's `keys`). */
function unknownKeyCount(issue: Record<PropertyKey, unknown>): { readonly count: number; readonly inPath: boolean } {
  const code = read(() => issue.code);
  if (code === "unrecognized_keys") {
    const keys = read(() => issue.keys);
    return { count: Array.isArray(keys) && keys.length > 0 ? keys.length : 1, inPath: false };
  }
  const expected = read(() => issue.expected);
  const valibotStrict = read(() => issue.kind) === "schema" && read(() => issue.type) === "strict_object";
  if ((valibotStrict && expected === "never") || (code === "predicate" && expected === "removed")) {
    return { count: 1, inPath: true };
  }
  return { count: 0, inPath: false };
}

const INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Resolves an issue's path against the value: an array index is kept; a key found in the value is
 * kept only if the schema declares it; a key not found in the value (a missing field, a key of a
 * transformed value) is kept if declared, else checked against the value's texts (probed).
 */
function draftIssue(
  issue: Record<PropertyKey, unknown>,
  value: unknown,
  declared: ReadonlySet<string>,
  probe: (text: string, segment: boolean) => number,
): Draft {
  const keys = rawPath(issue);
  const unknown = unknownKeyCount(issue);
  const segments: Segment[] = [];
  const probed: { at: number; probe: number }[] = [];
  const redactedKeys: string[] = [];
  const redact = (text: string | undefined): void => {
    segments.push(REDACTED_KEY);
    if (text !== undefined) redactedKeys.push(text);
  };
  let node: unknown = value;
  let inValue = true;
  (keys ?? []).forEach((key, index) => {
    if (typeof key !== "string" && typeof key !== "number") {
      redact(undefined);
      inValue = false;
      return;
    }
    const text = String(key);
    if (unknown.inPath && index === (keys as unknown[]).length - 1) {
      redact(text);
      return;
    }
    if (
      inValue &&
      Array.isArray(node) &&
      (typeof key === "number" ? Number.isSafeInteger(key) && key >= 0 : INDEX.test(key)) &&
      Number(key) < node.length
    ) {
      // An index into the value's array; one past its end (a missing tuple element) is probed below.
      segments.push(key);
      node = read(() => (node as unknown[])[Number(key)]);
      return;
    }
    const container = inValue ? node : undefined;
    const present =
      container instanceof Map
        ? read(() => container.has(key)) === true
        : isObjectLike(container) && Object.hasOwn(container, text);
    if (declared.has(text)) segments.push(key);
    else if (present) redact(text);
    else {
      probed.push({ at: segments.length, probe: probe(text, true) });
      segments.push(key);
      redactedKeys.push(text);
    }
    if (present)
      node = read(() => (container instanceof Map ? container.get(key) : (container as Record<string, unknown>)[text]));
    else inValue = false;
  });
  if (keys === undefined) redact(undefined);
  if (unknown.count > 0 && !unknown.inPath) segments.push(REDACTED_KEY);
  const message = unknown.count > 0 || keys === undefined ? -1 : messageProbe(issue, probe);
  const problemText = read(() => issue.problem);
  const problem = message >= 0 && typeof problemText === "string" ? probe(problemText, false) : -1;
  return {
    segments,
    probed,
    redactedKeys,
    kind: unknown.count > 0 ? "" : kindOf(issue),
    unknownKeys: unknown.count,
    message,
    problem,
  };
}

function messageProbe(issue: Record<PropertyKey, unknown>, probe: (text: string, segment: boolean) => number): number {
  const text = read(() => issue.message);
  if (typeof text === "string") return probe(text, false);
  const printed = read(() => String(text));
  return printed === undefined ? -1 : probe(printed, false);
}

/**
 * Turns a validator's issues into value-free ones: only the path and the message are kept (some
 * validators put the received value in other fields), keys of the value that the schema does not
 * declare are redacted as `<key>`, and a message that quotes any part of the value (valibot's
 * "received ...", zod's "Unrecognized key: ...", a path arktype prints) is replaced by a fixed one.
 */
export function scrubIssues(rawIssues: readonly unknown[], value: unknown, schema: unknown): SecretsErrorIssue[] {
  const declared = declaredKeys(schema);
  const probes: string[] = [];
  const segmentProbes: number[] = [];
  const ids = new Map<string, number>();
  const probe = (text: string, segment: boolean): number => {
    const key = `${segment ? "s" : "m"}${text}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = probes.push(text) - 1;
      ids.set(key, id);
      if (segment) segmentProbes.push(id);
    }
    return id;
  };
  const drafts = rawIssues.map((issue) => draftIssue(isObjectLike(issue) ? issue : {}, value, declared, probe));
  const tainted = probes.length === 0 ? new Uint8Array(0) : scanValue(value, probes, segmentProbes, declared);
  const clean = (id: number, keys: readonly string[]): string | undefined => {
    if (id < 0 || tainted === undefined || tainted[id] === 1) return undefined;
    const text = probes[id] as string;
    return keys.some((key) => mentions(text, key)) ? undefined : text;
  };
  return drafts.map((draft) => {
    const path = [...draft.segments];
    const redactedKeys = [...draft.redactedKeys];
    for (const { at, probe: id } of draft.probed) {
      if (tainted === undefined || tainted[id] === 1) path[at] = REDACTED_KEY;
      else redactedKeys.splice(redactedKeys.indexOf(probes[id] as string), 1);
    }
    if (draft.unknownKeys > 0) {
      const what = draft.unknownKeys === 1 ? "an unrecognized key" : `${draft.unknownKeys} unrecognized keys`;
      return { path, message: `${what} at ${formatPath(path)}` };
    }
    const message = clean(draft.message, redactedKeys) ?? clean(draft.problem, redactedKeys);
    if (message !== undefined) return { path, message: escapeControl(message) };
    return { path, message: `${draft.kind} (${tainted === undefined ? TOO_LARGE : QUOTED})` };
  });
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
/** A thrown value's name, if it looks like an error class name (`RangeError`, `ZodError`), else a description. */
function thrownName(error: unknown): string {
  const name = read(() => (isObjectLike(error) ? error.name : undefined));
  if (typeof name === "string" && /^[A-Z][A-Za-z0-9_$]{0,63}(?:Error|Errors|Exception)$/.test(name)) return name;
  return isObjectLike(error) ? "an exception" : `a thrown ${error === null ? "null" : typeof error}`;
}

function mismatch(context: ValidationContext, issues: readonly SecretsErrorIssue[], detail: string): SecretsError {
  return new SecretsError({
    code: "SCHEMA_MISMATCH",
    operation: context.operation ?? "validate",
    secretId: context.secretId,
    transport: context.transport,
    issues,
    detail,
  });
}

/**
 * The error for a validator that threw (a recursive validator's `RangeError` on deep input, a
 * `TypeError` in a transform): its message and its stack may quote the value, so neither is kept,
 * not even as the cause. Only its name is.
 */
function validatorThrew(error: unknown, context: ValidationContext): SecretsError {
  const name = thrownName(error);
  return mismatch(
    context,
    [{ path: [], message: `the validator threw ${name} (message withheld)` }],
    `the schema's validator threw ${name}; its message is withheld, as it may quote the value`,
  );
}

/**
 * Validates `value` with a Standard Schema and returns its output, or throws `SCHEMA_MISMATCH`
 * with the issues' paths and messages (never the input). Whatever the validator does (returns
 * issues, throws, returns something that is not a result), the only error is a value-free
 * {@link SecretsError}.
 */
export async function validateWithSchema<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  context: ValidationContext = {},
): Promise<InferSchemaOutput<S>> {
  const standard = read(() => (schema as Partial<StandardSchemaV1>)?.["~standard"]);
  const validate = read(() => standard?.validate);
  if (typeof validate !== "function") {
    throw new SecretsError({
      code: "CONFIG",
      operation: context.operation ?? "validate",
      secretId: context.secretId,
      transport: context.transport,
      detail: "the schema option is not a Standard Schema (zod 4, valibot, arktype, ...)",
    });
  }
  let result: unknown;
  try {
    result = validate.call(standard, value);
    if (isObjectLike(result) && typeof result.then === "function") result = await result;
  } catch (error) {
    throw validatorThrew(error, context);
  }
  const rawIssues = read(() => (isObjectLike(result) ? result.issues : undefined));
  if (rawIssues === undefined || rawIssues === null) {
    if (isObjectLike(result) && read(() => "value" in result) === true) return result.value as InferSchemaOutput<S>;
    throw mismatch(
      context,
      [{ path: [], message: "the validator returned no result (message withheld)" }],
      "the schema's validator returned neither a value nor issues",
    );
  }
  let issues: SecretsErrorIssue[];
  try {
    const list: unknown[] = Array.isArray(rawIssues) ? rawIssues : Array.from(rawIssues as Iterable<unknown>);
    issues = scrubIssues(list, value, schema);
  } catch {
    throw mismatch(
      context,
      [{ path: [], message: "invalid value (the validator's issues could not be read)" }],
      "the schema's validator reported issues that could not be read",
    );
  }
  if (issues.length === 0) {
    throw mismatch(context, [], "the schema's validator rejected the value without naming an issue");
  }
  const where = issues
    .slice(0, 5)
    .map((issue) => formatPath(issue.path))
    .join(", ");
  throw mismatch(
    context,
    issues,
    `${issues.length} issue${issues.length === 1 ? "" : "s"} at ${where}${issues.length > 5 ? ", ..." : ""}`,
  );
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
