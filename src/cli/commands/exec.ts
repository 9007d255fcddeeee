/**
 * `secretwrangler exec ... -- <command>`: runs a command with secrets (and parameters) injected as
 * environment variables. Prints no value; forwards signals; exits with the child's code.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import type { SecretsClient } from "../../client/client.js";
import { ArgumentError, SecretsError } from "../../core/errors.js";
import {
  type EnvFileEntry,
  holdsReference,
  isArnKey,
  type ResolveInput,
  readEnvFiles,
  resolveInputs,
} from "../env-file.js";
import { assertEnvName, EnvCollector, envName, flattenJson, isEnvName, isProtectedEnvName } from "../env-names.js";
import { COMMON_HELP, clientFromFlags, parseCommand, UsageError } from "../options.js";
import { type CliIo, writeError } from "../output.js";
import { readJson, readText } from "../reads.js";

/** The exit code when the program cannot be found, as a shell exits (`command not found`). */
export const EXIT_NOT_FOUND = 127;
/** The exit code when the program is found but cannot be run (not executable, a directory), as a shell exits. */
export const EXIT_CANNOT_RUN = 126;

/** Why a binary secret does not fit `exec`. */
const BINARY_IN_ENV = "a binary secret cannot become environment variables";

/** Help text of `exec`. */
export const EXEC_HELP: string = `Usage: secretwrangler exec [options] -- <command> [args...]

Runs <command> with secrets injected as environment variables. Values are never printed.

Options:
  --secret <id>           a JSON secret: each field becomes a variable (repeatable)
                          password -> PASSWORD, dbName -> DB_NAME, nested {a:{b}} -> A_B
  --env <NAME>=<id>       a secret's whole text as variable NAME (repeatable)
  --parameters <path>     every parameter under an SSM path, relative names as variables
                          (/app/prod/db/password under /app/prod -> DB_PASSWORD) (repeatable)
  --prefix <P>            prefix for the names made from --secret, e.g. DB_
  --parameters-prefix <P> prefix for the names made from --parameters, e.g. CFG_
  --env-file <path>       a dotenv file: each NAME=value becomes a variable, its secret references
                          ({{resolve:...}}, secret and parameter ARNs) resolved (repeatable)
  --resolve-env           resolve the secret references in the current environment too
  --resolve-env-only <P>  ... only in the variables whose names start with P (repeatable;
                          implies --resolve-env)
  --allow-env <NAME>      let a source set NAME although it is protected (repeatable)

Injected variables override inherited ones. Two sources giving the same name is an error.
Variables whose names end with _ARN are never resolved (they hold ARNs for code to read). All
references (of every --env-file and --resolve-env) are read in one batched pass.
Variables that change how programs are found, loaded or started (PATH, LD_*, NODE_OPTIONS,
PYTHON*, BASH_ENV, ...; the list is in the CLI docs) are refused (exit 22) unless --allow-env
names them. A program that is not found exits 127; one that cannot be run, 126.
SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 are forwarded, and SIGINT and SIGQUIT too unless stdin is a
terminal (whose Ctrl-C reaches the command directly). The exit code is the command's.

${COMMON_HELP}`;

/** Signals sent to this process alone (by a supervisor, `kill`): passed on to the command. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2"];
/**
 * Signals a terminal also sends to the whole foreground process group, the command included. Under a
 * terminal they are not passed on (the command would get them twice, and a second Ctrl-C often means
 * "force quit"), only kept from ending this process first. Without one (a container's PID 1, `kill
 * -INT`, a supervisor), nothing else delivers them to the command: they are passed on.
 */
const TERMINAL_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGQUIT"];

async function collect(
  client: SecretsClient,
  sources: {
    secrets: string[];
    env: { name: string; id: string }[];
    parameters: string[];
    prefix: string;
    parametersPrefix: string;
    allowEnv: string[];
  },
): Promise<EnvCollector> {
  const collector = new EnvCollector(sources.allowEnv);
  for (const id of sources.secrets) {
    const json = await readJson(client, id, {
      operation: "exec --secret",
      binary: BINARY_IN_ENV,
      notJsonHint: "--secret needs a JSON object secret; use --env NAME=<id> for a text secret",
    });
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new SecretsError({
        code: "WRONG_TYPE",
        operation: "exec --secret",
        secretId: id,
        detail: "--secret needs a JSON object secret",
        hint: "Use --env NAME=<id> for a text secret",
      });
    }
    for (const [path, value] of flattenJson(json)) {
      collector.add(envName(path, sources.prefix), value, `--secret ${id}`);
    }
  }
  for (const { name, id } of sources.env) {
    collector.add(
      name,
      await readText(client, id, { operation: "exec --env", binary: BINARY_IN_ENV }),
      `--env ${name}`,
    );
  }
  for (const path of sources.parameters) {
    const flat = await client.getParametersByPath(path, { shape: "flat" });
    for (const [relativeName, value] of Object.entries(flat)) {
      const text = typeof value === "string" ? value : value.join(",");
      collector.add(envName(relativeName.split("/"), sources.parametersPrefix), text, `--parameters ${path}`);
    }
  }
  return collector;
}

/** What a failed start means, as a shell would say it: 127 for not found, 126 for found but not runnable. */
function startFailure(command: string, code: unknown): { readonly exit: number; readonly why: string } | undefined {
  if (code === "ENOENT" || code === "ENOTDIR") {
    // A file that is there but whose `#!` interpreter is not: found, not runnable (as a shell says).
    if (command.includes("/") && existsSync(command))
      return { exit: EXIT_CANNOT_RUN, why: "its interpreter is not found" };
    return { exit: EXIT_NOT_FOUND, why: "not found" };
  }
  if (code === "EACCES" || code === "EPERM" || code === "EISDIR" || code === "ENOEXEC") {
    return { exit: EXIT_CANNOT_RUN, why: "not executable" };
  }
  return undefined;
}

function run(io: CliIo, command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: "inherit", env });
    } catch (error) {
      // E2BIG and friends are thrown at once; their messages may quote the environment.
      const code = (error as { code?: unknown }).code;
      reject(
        new SecretsError({
          code: "CONFIG",
          operation: "exec",
          detail: `cannot run "${command}"${code === "E2BIG" ? ": the environment is too large" : ` (${String(code)})`}`,
        }),
      );
      return;
    }
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const onTerminalSignal = process.stdin.isTTY ? () => {} : forward;
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    for (const signal of TERMINAL_SIGNALS) process.on(signal, onTerminalSignal);
    const cleanup = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      for (const signal of TERMINAL_SIGNALS) process.off(signal, onTerminalSignal);
    };
    child.on("error", (error) => {
      cleanup();
      const code = (error as { code?: unknown }).code;
      const failure = startFailure(command, code);
      if (failure) {
        // A shell's answer, and a shell's exit code: scripts already branch on 126 and 127.
        writeError(io, `exec: cannot run "${command}": ${failure.why} (${String(code)})`);
        resolve(failure.exit);
        return;
      }
      reject(
        new SecretsError({
          code: "CONFIG",
          operation: "exec",
          detail: `cannot run "${command}" (${typeof code === "string" ? code : "spawn failed"})`,
        }),
      );
    });
    child.on("exit", (code, signal) => {
      cleanup();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

/** A prefix the user typed: empty, or the start of a variable name. */
function checkPrefix(flag: string, prefix: string | undefined): string {
  if (prefix === undefined || prefix === "") return "";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) {
    throw new ArgumentError(`${flag} takes the start of a variable name (letters, digits, _; not first a digit)`);
  }
  return prefix;
}

/** Runs `exec`; returns the child's exit code. */
export async function execCommand(args: readonly string[], io: CliIo): Promise<number> {
  const split = args.indexOf("--");
  const own = split === -1 ? args : args.slice(0, split);
  const command = split === -1 ? [] : args.slice(split + 1);
  const { values, positionals } = parseCommand(own, {
    secret: { type: "string", multiple: true },
    env: { type: "string", multiple: true },
    parameters: { type: "string", multiple: true },
    prefix: { type: "string" },
    "parameters-prefix": { type: "string" },
    "allow-env": { type: "string", multiple: true },
    "env-file": { type: "string", multiple: true },
    "resolve-env": { type: "boolean" },
    "resolve-env-only": { type: "string", multiple: true },
  });
  if (values.help) {
    io.stdout.write(`${EXEC_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`put the command after "--": exec [options] -- ${positionals[0]}`);
  const [program, ...programArgs] = command;
  if (program === undefined || program === "") throw new UsageError('exec needs a command after "--"');
  // Checked before any read, so a typo costs no secret fetch.
  const env = (values.env ?? []).map((pair) => {
    const at = pair.indexOf("=");
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--env expects NAME=<id>, got "${pair}"`);
    const name = pair.slice(0, at);
    assertEnvName(name, "--env", true);
    return { name, id: pair.slice(at + 1) };
  });
  const allowEnv = values["allow-env"] ?? [];
  for (const name of allowEnv) {
    if (!isEnvName(name)) assertEnvName(name, "--allow-env", true);
  }
  const prefix = checkPrefix("--prefix", values.prefix);
  const parametersPrefix = checkPrefix("--parameters-prefix", values["parameters-prefix"]);
  const resolveOnly = (values["resolve-env-only"] ?? []).map((only) => {
    if (only === "") throw new ArgumentError("--resolve-env-only takes the start of a variable name, not nothing");
    return checkPrefix("--resolve-env-only", only);
  });
  const resolveEnv = values["resolve-env"] === true || resolveOnly.length > 0;
  // Read and checked before any secret read: a malformed line, a protected name or a name given by
  // two files costs no fetch.
  const fileEntries = readEnvFiles(values["env-file"] ?? [], allowEnv, "exec");
  const client = clientFromFlags(values);
  let collector: EnvCollector;
  try {
    collector = await collect(client, {
      secrets: values.secret ?? [],
      env,
      parameters: values.parameters ?? [],
      prefix,
      parametersPrefix,
      allowEnv,
    });
    for (const entry of fileEntries) collector.check(entry.key, entry.source);
    const inherited = resolveEnv ? inheritedInputs(collector, fileEntries, resolveOnly) : [];
    const resolved = await resolveInputs(client, [...fileEntries, ...inherited], io, "exec");
    for (const entry of fileEntries) {
      collector.add(entry.key, resolved.get(entry.key)?.value ?? entry.value, entry.source);
    }
    for (const input of inherited) {
      const result = resolved.get(input.key);
      // Only a variable whose value held a reference is set again; the others stay as inherited.
      if (result?.resolved) collector.add(input.key, result.value, input.source);
    }
  } finally {
    await client.close();
  }
  return run(io, program, programArgs, { ...process.env, ...collector.toObject() });
}

/**
 * The inherited variables `--resolve-env` resolves: those whose names start with a
 * `--resolve-env-only` prefix (all without one), not `*_ARN`, and not set by another source (which
 * overrides them anyway). A protected one holding a reference is refused before the references are
 * read, as from any other source; a protected one without a reference is left alone.
 */
function inheritedInputs(
  collector: EnvCollector,
  fileEntries: readonly EnvFileEntry[],
  prefixes: readonly string[],
): ResolveInput[] {
  const fromFiles = new Set(fileEntries.map((entry) => entry.key));
  const inputs: ResolveInput[] = [];
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || fromFiles.has(key) || collector.has(key) || isArnKey(key)) continue;
    if (prefixes.length > 0 && !prefixes.some((prefix) => key.startsWith(prefix))) continue;
    if (!isEnvName(key) || !holdsReference(value)) continue;
    // Throws for a protected name that --allow-env does not name.
    if (isProtectedEnvName(key)) collector.check(key, "--resolve-env");
    inputs.push({ key, value, source: "--resolve-env" });
  }
  return inputs;
}
