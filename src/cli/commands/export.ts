/**
 * `secretwrangler export --env-file .env`: resolves the secret references of dotenv files and prints
 * the variables, for tools that need a file (`node --env-file`, `docker --env-file`, a shell's `.`),
 * as dotenv, JSON or POSIX shell. Values go to stdout or a 0600 file only, never to a terminal
 * unless `--force`; errors name variables and lines, never a value.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { ArgumentError, SecretsError } from "../../core/errors.js";
import { EXPORT_FORMATS, type ExportFormat, formatEnv } from "../dotenv.js";
import { readEnvFiles, resolveInputs } from "../env-file.js";
import { assertEnvName, EnvCollector, isEnvName } from "../env-names.js";
import { COMMON_HELP, clientFromFlags, parseCommand, UsageError } from "../options.js";
import type { CliIo } from "../output.js";

/** Help text of `export`. */
export const EXPORT_HELP: string = `Usage: secretwrangler export --env-file <path> [options]

Resolves the secret references ({{resolve:...}}, secret and parameter ARNs) in dotenv files, in one
batched pass, and prints every variable with its resolved value.

Options:
  --env-file <path>   a dotenv file (repeatable; a name in two files is an error)
  --format <f>        dotenv (default; node --env-file reads it), json (one object) or shell
                      (export NAME='...' lines for ". file" or eval)
  --output <path>     write to a new file of mode 0600 (a temp file renamed over <path>)
                      instead of stdout
  --force             write to stdout although it is a terminal; replace an --output file that
                      group or others may read or write
  --allow-env <NAME>  let a file set NAME although it is protected (repeatable)

Variables whose names end with _ARN are not resolved. Protected variables (PATH, LD_*,
NODE_OPTIONS, ...; as exec) are refused (exit 22) unless --allow-env names them: the tools that
read the output would set them. A malformed line is a usage error (exit 2) naming its line.

${COMMON_HELP}`;

function formatOf(text: string | undefined): ExportFormat {
  if (text === undefined) return "dotenv";
  const format = EXPORT_FORMATS.find((candidate) => candidate === text);
  if (format === undefined) throw new ArgumentError(`--format takes ${EXPORT_FORMATS.join(", ")}`);
  return format;
}

/**
 * Refuses an `--output` path that exists and is no regular file (a directory, a symlink, a device:
 * always), or that group or others may read or write (unless `--force`): it is replaced by a file
 * only its owner may read.
 */
function checkOutput(path: string, force: boolean): void {
  let mode: number;
  let regular: boolean;
  try {
    const stats = lstatSync(path);
    mode = stats.mode;
    regular = stats.isFile();
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return;
    throw new SecretsError({
      code: "CONFIG",
      operation: "export --output",
      detail: `${path}: cannot check the file (${String((error as { code?: unknown }).code ?? "error")})`,
    });
  }
  if (!regular) throw new ArgumentError(`--output ${path}: exists and is not a regular file; refused`);
  if ((mode & 0o077) !== 0 && !force) {
    throw new ArgumentError(
      `--output ${path}: exists with mode ${(mode & 0o777).toString(8).padStart(4, "0")}, which group or others may read or write; ` +
        "it would be replaced by a file of mode 0600: pass --force to replace it",
    );
  }
}

/** Writes `text` to `path` atomically: a new 0600 temp file next to it, synced, renamed over it. */
function writeAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fail = (step: string, error: unknown) =>
    new SecretsError({
      code: "CONFIG",
      operation: "export --output",
      detail: `${path}: cannot ${step} (${String((error as { code?: unknown }).code ?? "error")})`,
    });
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw fail("create a file next to it", error);
  }
  try {
    try {
      // The mode given to open is reduced by the umask only; fchmod makes it exactly 0600.
      fchmodSync(fd, 0o600);
      const bytes = Buffer.from(text, "utf8");
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw fail("write the file", error);
  }
}

/** Runs `export`; returns 0, or throws for main to report. */
export async function exportCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    "env-file": { type: "string", multiple: true },
    format: { type: "string" },
    output: { type: "string" },
    force: { type: "boolean" },
    "allow-env": { type: "string", multiple: true },
  });
  if (values.help) {
    io.stdout.write(`${EXPORT_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("export takes no arguments: name the files with --env-file <path>");
  const paths = values["env-file"] ?? [];
  if (paths.length === 0) throw new UsageError("export needs --env-file <path>");
  const format = formatOf(values.format);
  const force = values.force === true;
  const output = values.output;
  if (output === "") throw new ArgumentError("--output takes a file path");
  const allowEnv = values["allow-env"] ?? [];
  for (const name of allowEnv) {
    if (!isEnvName(name)) assertEnvName(name, "--allow-env", true);
  }
  // Refused before any read: a terminal (scrollback, screen sharing, recordings) is no place for values.
  if (output === undefined && io.stdout.isTTY === true && !force) {
    throw new UsageError(
      "stdout is a terminal: export prints secret values; redirect it, use --output <path>, or pass --force",
    );
  }
  if (output !== undefined) checkOutput(output, force);
  const entries = readEnvFiles(paths, allowEnv, "export");
  const client = clientFromFlags(values);
  const collector = new EnvCollector(allowEnv, "export");
  try {
    const resolved = await resolveInputs(client, entries, io, "export");
    for (const entry of entries) {
      collector.add(entry.key, resolved.get(entry.key)?.value ?? entry.value, entry.source);
    }
  } finally {
    await client.close();
  }
  const text = formatEnv(Object.entries(collector.toObject()), format);
  if (output === undefined) io.stdout.write(text);
  else writeAtomically(output, text);
  return 0;
}
