/**
 * `--env-file` and `--resolve-env`, shared by `exec` and `export`: reading a dotenv file, and
 * resolving the secret references of its values (and of the current environment's) through the
 * client in one batched pass. Errors name files, lines, variables and secret ids, never a value.
 */
import { closeSync, openSync, readSync } from "node:fs";
import type { SecretsClient } from "../client/client.js";
import { ArgumentError, isSecretsError, SecretsError } from "../core/errors.js";
import type { ReferenceResult } from "../read/references.js";
import { splitReferences } from "../transport/reference.js";
import { type DotenvEntry, parseDotenv } from "./dotenv.js";
import { EnvCollector } from "./env-names.js";
import { type CliIo, writeError } from "./output.js";

/** The largest env file read: 1 MiB, far beyond any configuration, and a bound on a FIFO or device. */
export const ENV_FILE_MAX_BYTES: number = 1024 * 1024;

/** An env file's entry, with the source its errors name (`--env-file .env (line 3)`). */
export interface EnvFileEntry extends DotenvEntry {
  readonly source: string;
}

function unreadable(path: string, detail: string): SecretsError {
  return new SecretsError({ code: "CONFIG", operation: "--env-file", detail: `${path}: ${detail}` });
}

/** The bytes of a file, at most {@link ENV_FILE_MAX_BYTES}; `CONFIG` when it cannot be read or is larger. */
function readBounded(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw unreadable(path, `cannot open the file (${String((error as { code?: unknown }).code ?? "error")})`);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw unreadable(path, `cannot read the file (${String((error as { code?: unknown }).code ?? "error")})`);
      }
      if (read === 0) break;
      total += read;
      if (total > ENV_FILE_MAX_BYTES) throw unreadable(path, `the file is larger than ${ENV_FILE_MAX_BYTES} bytes`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and parses a dotenv file: `CONFIG` (exit 22) when it cannot be read, a usage error (exit 2)
 * naming the line when it is not UTF-8 or a line is malformed.
 */
export function readEnvFile(path: string): EnvFileEntry[] {
  const bytes = readBounded(path);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ArgumentError(`--env-file ${path}: line ${firstInvalidLine(bytes)}: not UTF-8 text`);
  }
  return parseDotenv(text, `--env-file ${path}`).map((entry) => ({
    ...entry,
    source: `--env-file ${path} (line ${entry.line})`,
  }));
}

/**
 * Reads every `--env-file` and checks its names (variable names, protection, the same name in two
 * files) before any read.
 */
export function readEnvFiles(paths: readonly string[], allowEnv: readonly string[], operation: string): EnvFileEntry[] {
  const entries = paths.flatMap((path) => readEnvFile(path));
  const check = new EnvCollector(allowEnv, operation);
  for (const entry of entries) check.add(entry.key, "", entry.source);
  return entries;
}

/** The number of the first line that is not UTF-8 (a newline byte is never inside a UTF-8 sequence). */
function firstInvalidLine(bytes: Buffer): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    try {
      decoder.decode(bytes.subarray(start, end === -1 ? bytes.length : end));
    } catch {
      return line;
    }
    if (end === -1) return line;
    start = end + 1;
  }
}

/**
 * Whether a variable holds an ARN on purpose (`DB_SECRET_ARN`, for code that reads the secret
 * itself): its name ends with `_ARN` (any case). Such variables are never resolved.
 */
export function isArnKey(key: string): boolean {
  return /_ARN$/i.test(key);
}

/** Whether a value holds a reference (or text that is a reference by its form, if malformed). */
export function holdsReference(value: string): boolean {
  try {
    return splitReferences(value).some((part) => typeof part !== "string");
  } catch (error) {
    if (isSecretsError(error)) return true;
    throw error;
  }
}

/** A variable to resolve, with the source its errors name. */
export interface ResolveInput {
  readonly key: string;
  readonly value: string;
  readonly source: string;
}

/** A variable's value after resolution, and whether it held a reference. */
export interface Resolved {
  readonly value: string;
  readonly resolved: boolean;
}

/**
 * Resolves the references of `inputs` (distinct keys) in one batched pass of the client
 * (`BatchGetSecretValue`, `GetParameters`); `*_ARN` keys pass through unchanged. When any key
 * fails, writes one stderr line per failed key (its source, name and error, never a value) and
 * throws one error with the first failure's code.
 */
export async function resolveInputs(
  client: SecretsClient,
  inputs: readonly ResolveInput[],
  io: CliIo,
  operation: string,
): Promise<Map<string, Resolved>> {
  const resolved = new Map<string, Resolved>();
  if (inputs.length === 0) return resolved;
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const sources = new Map<string, string>();
  for (const input of inputs) {
    values[input.key] = input.value;
    sources.set(input.key, input.source);
  }
  const results: ReferenceResult[] = await client.resolveReferences(values, { only: (key) => !isArnKey(key) });
  const failed: { key: string; error: SecretsError }[] = [];
  for (const result of results) {
    if (result.ok) resolved.set(result.key, { value: result.value, resolved: result.resolved });
    else failed.push({ key: result.key, error: result.error });
  }
  const first = failed[0];
  if (first === undefined) return resolved;
  for (const { key, error } of failed) {
    writeError(io, `${sources.get(key) ?? key}: ${key}: ${error.code}: ${error.message}`);
  }
  throw new SecretsError({
    code: first.error.code,
    operation,
    transport: client.transport.name,
    detail: `${failed.length} variable(s) could not be resolved: ${failed.map(({ key, error }) => `${key} (${error.code})`).join(", ")}`,
    cause: new AggregateError(
      failed.map(({ error }) => error),
      "the per-variable errors",
    ),
  });
}
