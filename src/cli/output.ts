/** Writing values to stdout: the one place a secret value is meant to be printed. */
import { SecretsError } from "../core/errors.js";

/** Where a command writes. Tests and the bin entry pass the process streams. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
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

/** Picks `a.b.c` out of a parsed JSON value, or throws `CONFIG` naming the missing field. */
export function pickField(value: unknown, field: string, secretId: string): unknown {
  let current = value;
  for (const key of field.split(".")) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key)) {
      throw new SecretsError({ code: "CONFIG", operation: "cli", secretId, detail: `no field "${field}"` });
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
