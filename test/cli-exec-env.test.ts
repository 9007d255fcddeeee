/**
 * `exec` hardening, as the built CLI in a child process on the file transport and a loopback Secrets
 * Manager: protected variables (PATH, LD_*, NODE_OPTIONS, ...) are refused unless `--allow-env`
 * names them; a program that is not found or not runnable exits 127 or 126, as a shell does; CLI
 * advice (not library API names) for binary and text secrets.
 */
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProtectedEnvName, PROTECTED_ENV_NAMES } from "../src/cli/env-names.js";
import { EXIT_CODES } from "../src/cli/exit-codes.js";
import { builtPackage } from "./helpers/built-package.js";
import { CANARY } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { FIXTURES } from "./helpers/fixtures.js";

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-cli-exec-"));
const secretsFile = join(directory, "secrets.json");
const marker = join(directory, "child-ran");
const required = join(directory, "required-ran");
const evilModule = join(directory, "evil.cjs");
let cli: string;
let server: Awaited<ReturnType<typeof startFakeSecretsManager>>;

/** One name per family (every family is tried in-process in cli-exec-families.test.ts). */
const FAMILY_NAMES = [
  "PATH",
  "LD_PRELOAD",
  "LD_LIBRARY_PATH",
  "LD_AUDIT",
  "DYLD_INSERT_LIBRARIES",
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
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE",
  "NODE_EXTRA_CA_CERTS",
  "PYTHONPATH",
  "PYTHONSTARTUP",
  "PYTHONHOME",
  "PYTHONINSPECT",
  "PYTHONUSERBASE",
  "PYTHONWARNINGS",
  "PERL5LIB",
  "PERL5OPT",
  "PERLLIB",
  "RUBYLIB",
  "RUBYOPT",
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "CLASSPATH",
  "DOTNET_STARTUP_HOOKS",
  "CORECLR_PROFILER_PATH",
  "GODEBUG",
  "GOFLAGS",
  "GIT_SSH",
  "GIT_SSH_COMMAND",
  "GIT_EXEC_PATH",
  "GIT_CONFIG_COUNT",
  "LESSOPEN",
  "PAGER",
  "EDITOR",
  "SSL_CERT_FILE",
  "OPENSSL_CONF",
  "HOME",
  "NPM_CONFIG_SCRIPT_SHELL",
  "SHELL",
];

/** The JSON field that `exec --secret` turns into `name` (mixed case, as a secret may hold it). */
function fieldFor(name: string): string {
  const lower = name.toLowerCase();
  return lower.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function runCli(args: readonly string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, SECRETWRANGLER_TRANSPORT: `file:${secretsFile}`, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A child that leaves a marker file when it runs. */
const markChild = ["--", process.execPath, "-e", `require("fs").writeFileSync(${JSON.stringify(marker)}, "ran")`];

beforeAll(async () => {
  cli = join((await builtPackage()).dir, "cli.js");
  server = await startFakeSecretsManager(FIXTURES);
  writeFileSync(evilModule, `require("fs").writeFileSync(${JSON.stringify(required)}, "ran");`);
  const secrets: Record<string, unknown> = {
    "api/key": `key-${CANARY}`,
    "api/db": { password: CANARY },
    "evil/node": { node_options: `--require ${evilModule}`, token: CANARY },
    "evil/the-three": { path: "/tmp/evilbin", ld_preload: "/tmp/evil.so", node_options: "--require /tmp/evil.js" },
  };
  const parameters: Record<string, string> = {};
  for (const name of FAMILY_NAMES) {
    secrets[`family/${name}`] = { [fieldFor(name)]: `${name}-${CANARY}` };
    parameters[`/family/${name}/${name.toLowerCase().replaceAll("_", "-")}`] = `${name}-${CANARY}`;
  }
  writeFileSync(secretsFile, JSON.stringify({ secrets, parameters }));
});

afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Runs `exec` with `args`, and says whether its child ran. */
async function execRan(args: readonly string[]) {
  rmSync(marker, { force: true });
  const result = await runCli(["exec", ...args, ...markChild]);
  return { ...result, ran: existsSync(marker) };
}

describe("exec refuses variables that change how programs are found, loaded or started", () => {
  it("keeps the list in one constant of names and families, each matching itself", () => {
    for (const entry of PROTECTED_ENV_NAMES) {
      expect(entry).toMatch(/^[A-Z0-9_]+\*?$/);
      expect(isProtectedEnvName(entry.replace("*", "X")), entry).toBe(true);
    }
    for (const name of FAMILY_NAMES) expect(isProtectedEnvName(name), name).toBe(true);
    for (const name of ["DB_PASSWORD", "API_KEY", "NODE_ENV", "TMPDIR", "HTTPS_PROXY", "CORS_ORIGIN", "PATHS"]) {
      expect(isProtectedEnvName(name), name).toBe(false);
    }
  });

  it("documents every entry of the list in docs/cli.md and names the constant in docs/security.md", () => {
    const cliDoc = readFileSync(join(import.meta.dirname, "../docs/cli.md"), "utf8");
    const securityDoc = readFileSync(join(import.meta.dirname, "../docs/security.md"), "utf8");
    for (const entry of PROTECTED_ENV_NAMES) expect(cliDoc, entry).toContain(`\`${entry}\``);
    expect(cliDoc).toContain("--allow-env");
    expect(securityDoc).toContain("PROTECTED_ENV_NAMES");
  });

  it("refuses the secret of the report (PATH, LD_PRELOAD, NODE_OPTIONS) and runs nothing", async () => {
    const result = await execRan(["--secret", "evil/the-three"]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.ran).toBe(false);
    expect(result.stderr).toMatch(/--secret evil\/the-three would set (PATH|LD_PRELOAD|NODE_OPTIONS)/);
    expect(result.stderr).toContain("--allow-env");
    expect(result.stderr).not.toContain("/tmp/evil");
  });

  it("matches the final name, after --prefix and --parameters-prefix", async () => {
    const viaPrefix = await execRan(["--secret", "api/db", "--prefix", "LD_"]);
    expect(viaPrefix.code).toBe(EXIT_CODES.CONFIG);
    expect(viaPrefix.stderr).toContain("would set LD_PASSWORD,");
    expect(viaPrefix.ran).toBe(false);

    const viaParametersPrefix = await execRan(["--parameters", "/family/PATH", "--parameters-prefix", "PYTHON"]);
    expect(viaParametersPrefix.code).toBe(EXIT_CODES.CONFIG);
    expect(viaParametersPrefix.stderr).toContain("would set PYTHONPATH,");
  });

  it("lets through what --allow-env names (any case), and only that", async () => {
    const allowed = await execRan(["--secret", "family/LD_PRELOAD", "--allow-env", "ld_preload"]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.ran).toBe(true);

    const other = await execRan(["--secret", "evil/the-three", "--allow-env", "PATH", "--allow-env", "LD_PRELOAD"]);
    expect(other.code).toBe(EXIT_CODES.CONFIG);
    expect(other.stderr).toContain("would set NODE_OPTIONS,");
    expect(other.ran).toBe(false);
  });

  it("keeps NODE_OPTIONS from a secret away from a node child unless --allow-env names it", async () => {
    rmSync(required, { force: true });
    const refused = await execRan(["--secret", "evil/node"]);
    expect(refused.code).toBe(EXIT_CODES.CONFIG);
    expect(refused.ran).toBe(false);
    expect(existsSync(required)).toBe(false);
    expect(refused.stderr).not.toContain(evilModule);

    const allowed = await execRan(["--secret", "evil/node", "--allow-env", "NODE_OPTIONS"]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.ran).toBe(true);
    expect(readFileSync(required, "utf8")).toBe("ran");
  });

  it("refuses a malformed --allow-env name as a usage error", async () => {
    const result = await execRan(["--secret", "api/db", "--allow-env", "1-BAD"]);

    expect(result.code).toBe(2);
    expect(result.ran).toBe(false);
  });
});

describe("exec exits as a shell does when the program cannot start", () => {
  it("exits 127 for a program that is not there, by path or on PATH", async () => {
    const byPath = await runCli(["exec", "--secret", "api/db", "--", "/nonexistent/bin"]);
    const byName = await runCli(["exec", "--secret", "api/db", "--", "secretwrangler-no-such-program-x"]);

    expect(byPath.code).toBe(127);
    expect(byPath.stderr).toBe('secretwrangler: exec: cannot run "/nonexistent/bin": not found (ENOENT)\n');
    expect(byName.code).toBe(127);
  });

  it("exits 126 for a file that is not executable, or a directory", async () => {
    const file = join(directory, "not-executable.sh");
    writeFileSync(file, "#!/bin/sh\nexit 0\n");
    chmodSync(file, 0o644);
    const folder = join(directory, "a-directory");
    mkdirSync(folder, { recursive: true });

    const notExecutable = await runCli(["exec", "--secret", "api/db", "--", file]);
    const aDirectory = await runCli(["exec", "--secret", "api/db", "--", folder]);

    expect(notExecutable.code).toBe(126);
    expect(notExecutable.stderr).toContain("not executable");
    expect(aDirectory.code).toBe(126);
  });
});

describe("CLI advice, not library API names", () => {
  const sdk = () => ["--transport", "sdk", "--endpoint", server.endpoint];

  it("tells how to get a binary secret's bytes when --json or --field cannot print it", async () => {
    for (const flags of [["--json"], ["--field", "a"]]) {
      const result = await runCli(["get", "app/binary", ...flags, ...sdk()]);

      expect(result.code, flags[0]).toBe(EXIT_CODES.WRONG_TYPE);
      expect(result.stderr).not.toContain("getSecretBinary");
      expect(result.stderr).toContain(`get ${flags[0]} "app/binary" failed`);
      expect(result.stderr).toContain("binary secret cannot be printed as JSON");
      expect(result.stderr).toContain('"secretwrangler get <id>" without --json or --field');
      expect(result.stdout).toBe("");
    }
  });

  it("says a binary secret cannot become variables, without an API name", async () => {
    for (const flags of [
      ["--secret", "app/binary"],
      ["--env", "X=app/binary"],
    ]) {
      const result = await runCli(["exec", ...flags, ...sdk(), "--", "true"]);

      expect(result.code).toBe(EXIT_CODES.WRONG_TYPE);
      expect(result.stderr).not.toContain("getSecretBinary");
      expect(result.stderr).toContain("cannot become environment variables");
    }
  });

  it("names get --field as the operation and the field that is missing", async () => {
    const result = await runCli(["get", "api/db", "--field", "nope.deeper"]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toContain('get --field "api/db" failed');
    expect(result.stderr).toContain('no field "nope.deeper"');
    expect(result.stderr).not.toContain(" cli ");
    expect(result.stderr).not.toContain(CANARY);
  });

  it("suggests --env NAME=<id> for a text secret given to --secret", async () => {
    const result = await runCli(["exec", "--secret", "api/key", "--", "true"]);

    expect(result.code).toBe(EXIT_CODES.NOT_JSON);
    expect(result.stderr).toContain("--env NAME=<id>");
    expect(result.stderr).not.toContain(CANARY);
  });
});
