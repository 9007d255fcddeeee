/**
 * The Parameter Store reads behind the client's `getParameter`, `getParameterValue`,
 * `getParameters` and `getParametersByPath`. Each takes the client's transport (with its cache, if
 * any) and checks and fills the options in one place.
 */
import { traceRead, tracesReads } from "../core/diagnostics.js";
import { ArgumentError, SecretsError, unsupportedOperation } from "../core/errors.js";
import { deepFreeze } from "../core/freeze.js";
import { type InferSchemaOutput, type StandardSchemaV1, type ValidationMemo, validateOnce } from "../core/schema.js";
import { missingResultError, readParameterBatch } from "../transport/batch.js";
import { isSecretReference, SECRET_REFERENCE_PREFIX, splitSelector } from "../transport/parameter-name.js";
import {
  type BatchResult,
  PARAMETER_TYPES,
  type ParameterRecord,
  type ParameterRequest,
  type ParametersByPathOptions,
  type Transport,
} from "../transport/types.js";
import type {
  ParameterMap,
  ParameterReadOptions,
  ParametersByPathReadOptions,
  ParametersReadOptions,
  ParameterTree,
} from "./options.js";
import { assertParameterType, parameterValue } from "./parameter-value.js";
import { layoutParameters } from "./tree.js";

const DEFAULTS = {
  decrypt: true,
  recursive: true,
  shape: "tree",
  keys: "preserve",
} as const satisfies Required<Pick<ParametersByPathReadOptions, "decrypt" | "recursive" | "shape" | "keys">>;

function oneOf(option: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new ArgumentError(`"${option}" must be ${allowed.map((item) => `"${item}"`).join(" or ")}`);
  }
}

function assertName(name: unknown, what = "parameter name"): asserts name is string {
  if (typeof name !== "string" || name === "") throw new ArgumentError(`${what} must be a non-empty string`);
}

function optionalBoolean(option: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") throw new ArgumentError(`"${option}" must be a boolean`);
  return value;
}

/** The transport request for one read: the selector moved out of the name, `decrypt` filled in. */
function parameterRequest(requested: unknown, options: ParameterReadOptions): ParameterRequest {
  assertName(requested);
  const { name, version: nameVersion, label: nameLabel } = splitSelector(requested);
  const { version, label } = options;
  if (version !== undefined && !(Number.isInteger(version) && version >= 1)) {
    throw new ArgumentError('"version" must be a positive integer');
  }
  if (label !== undefined && (typeof label !== "string" || label === "")) {
    throw new ArgumentError('"label" must be a non-empty string');
  }
  const selectors =
    Number(version !== undefined) +
    Number(label !== undefined) +
    Number(nameVersion !== undefined) +
    Number(nameLabel !== undefined);
  if (selectors > 1) {
    throw new ArgumentError('give at most one of "version", "label" and a ":selector" in the name');
  }
  oneOf("type", options.type, PARAMETER_TYPES);
  return {
    name,
    version: version ?? nameVersion,
    label: label ?? nameLabel,
    decrypt: optionalBoolean("decrypt", options.decrypt) ?? DEFAULTS.decrypt,
    signal: options.signal,
    forceRefresh: options.forceRefresh,
    maxAgeMs: options.maxAgeMs,
  };
}

/** Secrets referenced through Parameter Store are always encrypted: AWS refuses them without decryption. */
function referenceNeedsDecrypt(transport: Transport, operation: string, name: string): SecretsError {
  return new SecretsError({
    code: "INVALID_REQUEST",
    operation,
    secretId: name,
    transport: transport.name,
    detail: `names under ${SECRET_REFERENCE_PREFIX} require decrypt: true`,
  });
}

/**
 * One parameter's record, type-checked: at once when a cached transport holds it (no promise round
 * trip, as the secret reads do), else a promise. Throws synchronously on bad options: callers are async.
 */
function parameterRecord(
  transport: Transport,
  name: string,
  options: ParameterReadOptions = {},
): ParameterRecord | Promise<ParameterRecord> {
  const request = parameterRequest(name, options);
  if (request.decrypt === false && isSecretReference(request.name)) {
    throw referenceNeedsDecrypt(transport, "getParameter", name);
  }
  if (!transport.getParameter) {
    throw unsupportedOperation(transport.name, "getParameter", name, "Use the sdk transport (sdkTransport())");
  }
  // An aborted read gets its ABORTED from the transport path, not a cached value.
  const hit = request.signal?.aborted ? undefined : transport.peekParameter?.(request);
  if (options.type === undefined) return hit ?? transport.getParameter(request);
  const context = { operation: "getParameter", name, transport: transport.name };
  if (hit !== undefined) return assertParameterType(hit, options.type, context);
  const { type } = options;
  return transport.getParameter(request).then((record) => assertParameterType(record, type, context));
}

/** `getParameter`: the text of a `String` / `SecureString`, the items of a `StringList`. */
export async function readParameter(
  transport: Transport,
  name: string,
  options?: ParameterReadOptions,
): Promise<string | string[]> {
  if (tracesReads())
    return traceRead("getParameter", name, transport.name, () => readParameter(transport, name, options));
  const record = parameterRecord(transport, name, options);
  return parameterValue(record instanceof Promise ? await record : record);
}

/** `getParameterValue`: the record with its metadata, as a copy the caller may keep. */
export async function readParameterValue(
  transport: Transport,
  name: string,
  options?: ParameterReadOptions,
): Promise<ParameterRecord> {
  if (tracesReads()) {
    return traceRead("getParameterValue", name, transport.name, () => readParameterValue(transport, name, options));
  }
  const record = parameterRecord(transport, name, options);
  const found = record instanceof Promise ? await record : record;
  // The date is copied: the record may be shared (and frozen) by a cache, and a Date cannot be frozen.
  return { ...found, lastModifiedDate: found.lastModifiedDate && new Date(found.lastModifiedDate) };
}

/**
 * `getParameters`: one result per requested name, in order. The transport batches (the SDK by 10);
 * one without a batch call gets parallel single reads.
 */
export function readParameters(
  transport: Transport,
  names: readonly string[],
  options: ParametersReadOptions = {},
): Promise<BatchResult<string | string[]>[]> {
  const read = () => readParametersUntraced(transport, names, options);
  return tracesReads() ? traceRead("getParameters", names, transport.name, read) : read();
}

async function readParametersUntraced(
  transport: Transport,
  names: readonly string[],
  options: ParametersReadOptions,
): Promise<BatchResult<string | string[]>[]> {
  if (!Array.isArray(names)) throw new ArgumentError("parameter names must be an array of non-empty strings");
  for (const name of names) assertName(name);
  const decrypt = optionalBoolean("decrypt", options.decrypt) ?? DEFAULTS.decrypt;
  const unique = [...new Set(names)];
  const refused = new Set(decrypt ? [] : unique.filter((name) => isSecretReference(splitSelector(name).name)));
  const wanted = unique.filter((name) => !refused.has(name));
  const records =
    wanted.length === 0 ? [] : await readParameterBatch(transport, wanted, { decrypt, signal: options.signal });
  const byName = new Map(records.map((result) => [result.id, result]));
  return names.map((name): BatchResult<string | string[]> => {
    if (refused.has(name))
      return { id: name, ok: false, error: referenceNeedsDecrypt(transport, "getParameters", name) };
    const result = byName.get(name);
    if (result === undefined) {
      return { id: name, ok: false, error: missingResultError(transport.name, "getParameters", name) };
    }
    return result.ok ? { id: name, ok: true, value: parameterValue(result.value) } : result;
  });
}

/** What has been built from one path read's records, per layout: shared by calls that get the same records. */
interface Layouts {
  readonly built: Map<string, ParameterTree | ParameterMap>;
  /** Per layout and schema: the validation in progress, then its frozen output. */
  readonly validated: Map<string, ValidationMemo>;
}

/**
 * Keyed weakly by the records array, so a cache that hands out the same array gets layout and
 * validation once. Only a frozen array (a cache's) is kept: another may change.
 */
const layoutsByRecords = new WeakMap<readonly ParameterRecord[], Layouts>();

function layoutsOf(records: readonly ParameterRecord[]): Layouts {
  if (!Object.isFrozen(records)) return { built: new Map(), validated: new Map() };
  let layouts = layoutsByRecords.get(records);
  if (!layouts) {
    layouts = { built: new Map(), validated: new Map() };
    layoutsByRecords.set(records, layouts);
  }
  return layouts;
}

/** `getParametersByPath`: every parameter under the path as a deep-frozen tree or flat map, optionally validated. */
export async function readParametersByPath(
  transport: Transport,
  path: string,
  options: ParametersByPathReadOptions = {},
): Promise<ParameterTree | ParameterMap | InferSchemaOutput<StandardSchemaV1>> {
  if (tracesReads()) {
    const read = () => readParametersByPath(transport, path, options);
    return traceRead("getParametersByPath", path, transport.name, read);
  }
  assertName(path, "parameter path");
  if (!path.startsWith("/")) throw new ArgumentError('parameter path must start with "/"');
  oneOf("shape", options.shape, ["tree", "flat"]);
  oneOf("keys", options.keys, ["preserve", "camelCase"]);
  const recursive = optionalBoolean("recursive", options.recursive) ?? DEFAULTS.recursive;
  const decrypt = optionalBoolean("decrypt", options.decrypt) ?? DEFAULTS.decrypt;
  if (!transport.getParametersByPath) {
    throw unsupportedOperation(
      transport.name,
      "getParametersByPath",
      path,
      "Read paths with the sdk transport (sdkTransport())",
    );
  }
  // forceRefresh and maxAgeMs are for a cached transport; others ignore them.
  const pathOptions: ParametersByPathOptions = {
    recursive,
    decrypt,
    signal: options.signal,
    forceRefresh: options.forceRefresh,
    maxAgeMs: options.maxAgeMs,
  };
  const records = await transport.getParametersByPath(path, pathOptions);

  const layout = {
    path,
    shape: options.shape ?? DEFAULTS.shape,
    keys: options.keys ?? DEFAULTS.keys,
    transport: transport.name,
  };
  const layoutKey = `${layout.shape}|${layout.keys}|${path}`;
  const layouts = layoutsOf(records);
  let built = layouts.built.get(layoutKey);
  if (!built) {
    built = deepFreeze(layoutParameters(records, layout));
    layouts.built.set(layoutKey, built);
  }
  const { schema } = options;
  if (schema === undefined) return built;
  let bySchema = layouts.validated.get(layoutKey);
  if (!bySchema) {
    bySchema = new WeakMap();
    layouts.validated.set(layoutKey, bySchema);
  }
  return validateOnce(bySchema, schema, built, {
    secretId: path,
    transport: transport.name,
    operation: "getParametersByPath",
  });
}
