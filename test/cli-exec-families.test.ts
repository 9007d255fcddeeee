/**
 * Every family of protected variables, from every source (`--secret`, `--env`, `--parameters`),
 * refused by `exec` in-process on the file transport, with `spawn` watched: nothing may start.
 * (test/cli-exec-env.test.ts runs the built CLI end to end, real children included.)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CANARY } from "./helpers/canary.js";

const spawned = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:child_process", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:child_process")>();
  return {
    ...actual,
    spawn: (...args: Parameters<typeof actual.spawn>) => {
      spawned.count++;
      return actual.spawn(...args);
    },
  };
});

const { main } = await import("../src/cli/main.js");
const { EXIT_CODES } = await import("../src/cli/exit-codes.js");

/** One or more names per family: loader, shells, runtimes, tools, trust, start-up files. */
const FAMILY_NAMES = [
  "PATH",
  "LD_PRELOAD",
  "LD_LIBRARY_PATH",
  "LD_AUDIT",
  "LD_DEBUG_OUTPUT",
  "DYLD_INSERT_LIBRARIES",
  "DYLD_LIBRARY_PATH",
  "GCONV_PATH",
  "GLIBC_TUNABLES",
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PS4",
  "PROMPT_COMMAND",
  "IFS",
  "CDPATH",
  "BASH_FUNC_X",
  "ZDOTDIR",
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE",
  "NODE_EXTRA_CA_CERTS",
  "NODE_TLS_REJECT_UNAUTHORIZED",
  "NPM_CONFIG_SCRIPT_SHELL",
  "PYTHONPATH",
  "PYTHONSTARTUP",
  "PYTHONHOME",
  "PYTHONINSPECT",
  "PYTHONUSERBASE",
  "PYTHONWARNINGS",
  "PYTHONBREAKPOINT",
  "PERL5LIB",
  "PERL5OPT",
  "PERLLIB",
  "RUBYLIB",
  "RUBYOPT",
  "GEM_PATH",
  "PHPRC",
  "LUA_INIT",
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "CLASSPATH",
  "DOTNET_STARTUP_HOOKS",
  "CORECLR_ENABLE_PROFILING",
  "CORECLR_PROFILER_PATH",
  "COR_PROFILER",
  "COMPLUS_ZAPDISABLE",
  "GODEBUG",
  "GOFLAGS",
  "CGO_LDFLAGS",
  "RUSTC_WRAPPER",
  "CARGO_BUILD_RUSTC",
  "GIT_SSH",
  "GIT_SSH_COMMAND",
  "GIT_EXEC_PATH",
  "GIT_ASKPASS",
  "GIT_CONFIG_COUNT",
  "GIT_CONFIG_GLOBAL",
  "GIT_SSL_NO_VERIFY",
  "LESSOPEN",
  "PAGER",
  "EDITOR",
  "VISUAL",
  "SHELL",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "OPENSSL_CONF",
  "HOME",
  "XDG_CONFIG_HOME",
  "AWS_CONFIG_FILE",
  "KUBECONFIG",
];

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-cli-families-"));
const secretsFile = join(directory, "secrets.json");

/** A JSON field that `exec --secret` turns into `name`: lowerCamel, as a secret may spell it. */
function fieldFor(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

beforeAll(() => {
  const secrets: Record<string, unknown> = { "api/key": `key-${CANARY}` };
  const parameters: Record<string, string> = {};
  for (const name of FAMILY_NAMES) {
    secrets[`family/${name}`] = { [fieldFor(name)]: `${name}-${CANARY}`, harmless: "x" };
    parameters[`/family/${name}/${name.toLowerCase().replaceAll("_", "-")}`] = `${name}-${CANARY}`;
  }
  writeFileSync(secretsFile, JSON.stringify({ secrets, parameters }));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

beforeEach(() => {
  spawned.count = 0;
  vi.stubEnv("SECRETWRANGLER_TRANSPORT", `file:${secretsFile}`);
  return () => vi.unstubAllEnvs();
});

async function exec(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const sink = (write: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        write(String(chunk));
        done();
      },
    });
  const io = { stdout: sink(() => {}), stderr: sink((text) => (stderr += text)) };
  const code = await main(["exec", ...args, "--", process.execPath, "-e", "0"], io);
  return { code, stderr };
}

describe.each([
  ["--secret", (name: string) => ["--secret", `family/${name}`]],
  ["--env", (name: string) => ["--env", `${name}=api/key`]],
  ["--env (lower case)", (name: string) => ["--env", `${name.toLowerCase()}=api/key`]],
  ["--parameters", (name: string) => ["--parameters", `/family/${name}`]],
] as const)("from %s", (source, args) => {
  // A leading "_" is no word of a field or a parameter name: _JAVA_OPTIONS only comes from --env.
  const names = source.startsWith("--env") ? FAMILY_NAMES : FAMILY_NAMES.filter((name) => !name.startsWith("_"));

  it.each(names)("refuses %s, spawning nothing, naming it and not its value", async (name) => {
    const result = await exec(args(name));

    expect(result.code, result.stderr).toBe(EXIT_CODES.CONFIG);
    expect(spawned.count).toBe(0);
    expect(result.stderr.toUpperCase()).toContain(`WOULD SET ${name},`);
    expect(result.stderr).toContain("--allow-env");
    expect(result.stderr).not.toContain(CANARY);
  });

  it.each(names)("lets %s through with --allow-env", async (name) => {
    const result = await exec([...args(name), "--allow-env", name]);

    expect(result.code, result.stderr).toBe(0);
    expect(spawned.count).toBe(1);
  });
});
