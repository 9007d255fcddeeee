/**
 * Writing values to stdout (the one place a secret value is meant to be printed) and messages to
 * stderr (escaped: an id, a spec or a path must not inject lines or terminal escapes).
 */
import { ArgumentError, SecretsError } from "../core/errors.js";
import { escapeControl } from "../core/text.js";

/** Where a command writes. Tests and the bin entry pass the process streams. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  /**
   * Where a write's value is read from (`put`, `create`, `put-parameter`). Touched only by them: opening
   * `process.stdin` can make a terminal's descriptor non-blocking for the programs `exec` starts.
   * @default process.stdin
   */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

/**
 * Writes one `secretwrangler: ...` line to stderr with its control characters escaped, so a quoted
 * id, spec or path cannot add lines, move the cursor or recolour the terminal.
 */
export function writeError(io: CliIo, text: string): void {
  io.stderr.write(`secretwrangler: ${escapeControl(text)}\n`);
}

/**
 * Writes a value: text exactly as stored (a newline is added only for a terminal, so
 * `$(secretwrangler get x)` and redirections get the exact bytes), bytes raw, anything else as JSON.
 */
export function writeValue(io: CliIo, value: unknown, pretty = false): void {
  if (value instanceof Uint8Array) {
    io.stdout.write(value);
    return;
  }
  const text = typeof value === "string" ? value : JSON.stringify(value, null, pretty ? 2 : undefined);
  io.stdout.write(io.stdout.isTTY ? `${text}\n` : text);
}

/** Prints a command's help to stdout; returns its exit code, 0. */
export function writeHelp(io: CliIo, help: string): number {
  io.stdout.write(`${help}\n`);
  return 0;
}

/** Prints a write's result (never a value) as indented JSON with `--json`, else nothing; returns exit 0. */
export function writeResult(io: CliIo, json: boolean | undefined, result: unknown): number {
  if (json) writeValue(io, result, true);
  return 0;
}

/** The keys of a `--field a.b.c` path; an empty key (`a..b`, a trailing dot) is a usage error. */
export function fieldPath(field: string): string[] {
  const keys = field.split(".");
  if (keys.some((key) => key === "")) {
    throw new ArgumentError(`--field takes dot-separated field names (a.b.c), got "${field}"`);
  }
  return keys;
}

/** Picks `a.b.c` out of a parsed JSON value, or throws `CONFIG` (operation `get --field`) naming the field. */
export function pickField(value: unknown, field: string, secretId: string, transport?: string): unknown {
  let current = value;
  for (const key of fieldPath(field)) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key)) {
      throw new SecretsError({
        code: "CONFIG",
        operation: "get --field",
        secretId,
        transport,
        detail: `the secret has no field "${field}"`,
      });
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
