/**
 * The CLI's house rules, on the built CLI in a child process: specs read only by the library's
 * parser (blank means sdk, as in the library), the main help generated from the command table, one
 * rule for refused input (a bad argument or flag exits 2; a bad environment exits 22), and every
 * quoted id, spec, path or name escaped on stderr and in doctor's report.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/cli/exit-codes.js";
import { COMMAND_NAMES, MAIN_HELP } from "../src/cli/main.js";
import { COMMON_HELP } from "../src/cli/options.js";
import { resolveTransport, transportSpecList } from "../src/transports/spec.js";
import { builtPackage } from "./helpers/built-package.js";
import { CANARY } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { FIXTURES } from "./helpers/fixtures.js";

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-cli-rules-"));
const secretsFile = join(directory, "secrets.json");
let cli: string;
let server: Awaited<ReturnType<typeof startFakeSecretsManager>>;

beforeAll(async () => {
  cli = join((await builtPackage()).dir, "cli.js");
  server = await startFakeSecretsManager(FIXTURES);
  writeFileSync(
    secretsFile,
    JSON.stringify({ secrets: { "api/key": `key-${CANARY}`, "prod/db": { password: CANARY } } }),
  );
});

afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

function runCli(args: readonly string[], env: Record<string, string | undefined> = {}) {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    SECRETWRANGLER_TRANSPORT: `file:${secretsFile}`,
    ...env,
  };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: merged, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("transport specs are read by the library's parser only", () => {
  it("reads a blank SECRETWRANGLER_TRANSPORT as sdk, as the library does", async () => {
    for (const blank of ["", "  "]) {
      const result = await runCli(["get", "app/text", "--region", "us-east-1", "--endpoint", server.endpoint], {
        SECRETWRANGLER_TRANSPORT: blank,
      });
      const previous = process.env.SECRETWRANGLER_TRANSPORT;
      process.env.SECRETWRANGLER_TRANSPORT = blank;
      const library = resolveTransport();
      if (previous === undefined) delete process.env.SECRETWRANGLER_TRANSPORT;
      else process.env.SECRETWRANGLER_TRANSPORT = previous;

      expect(library.name).toBe("sdk");
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`text-${CANARY}`);
    }
  });

  it("lists the transports from the spec table, never by hand", () => {
    expect(COMMON_HELP).toContain(transportSpecList(true));
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    for (const file of sources(join(import.meta.dirname, "../src/cli"))) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/sdk \| agent|"sdk", "agent"|'sdk', 'agent'|=== "memory"|\.trim\(\)/);
    }
  });
});

describe("the main help", () => {
  it("is generated from the command table: every command, its usage and its own help", async () => {
    expect(COMMAND_NAMES).toEqual([
      "get",
      "get-parameter",
      "get-parameters-by-path",
      "put",
      "create",
      "list",
      "describe",
      "delete",
      "restore",
      "rotate",
      "random-password",
      "put-parameter",
      "exec",
      "export",
      "doctor",
    ]);
    for (const name of COMMAND_NAMES) {
      expect(MAIN_HELP).toMatch(new RegExp(`^  ${name}( |$)`, "m"));
      const result = await runCli([name, "--help"]);
      expect(result.code, name).toBe(0);
      expect(result.stdout).toContain(`Usage: secretwrangler ${name}`);
    }
    const main = await runCli(["--help"]);
    expect(main.stdout).toBe(`${MAIN_HELP}\n`);
  });
});

/** [what, args, extra environment, exit code]. A bad argument or flag: 2; a bad environment: 22. */
const REFUSED: readonly (readonly [string, string[], Record<string, string>, number])[] = [
  ["unknown flag", ["get", "x", "--nope"], {}, 2],
  ["flag without its value", ["get", "x", "--region"], {}, 2],
  ["--transport unknown", ["get", "x", "--transport", "bogus"], {}, 2],
  ["--transport memory", ["get", "x", "--transport", "memory"], {}, 2],
  ["--transport file: without a path", ["get", "x", "--transport", "file:"], {}, 2],
  ["--transport sdk:arg", ["get", "x", "--transport", "sdk:x"], {}, 2],
  ["SECRETWRANGLER_TRANSPORT unknown", ["get", "x"], { SECRETWRANGLER_TRANSPORT: "bogus" }, 22],
  ["SECRETWRANGLER_TRANSPORT memory", ["get", "x"], { SECRETWRANGLER_TRANSPORT: "memory" }, 22],
  ["SECRETWRANGLER_TRANSPORT file: without a path", ["get", "x"], { SECRETWRANGLER_TRANSPORT: "file:" }, 22],
  ["--region with --transport file", ["get", "x", "--transport", "file:/x.json", "--region", "us-east-1"], {}, 2],
  ["--endpoint with a file from the environment", ["get", "x", "--endpoint", "http://127.0.0.1:1"], {}, 22],
  ["--region malformed", ["get", "x", "--transport", "sdk", "--region", "US East 1"], {}, 2],
  ["--region empty", ["get", "x", "--transport", "sdk", "--region", ""], {}, 2],
  ["--profile empty", ["get", "x", "--transport", "sdk", "--profile", ""], {}, 2],
  ["--role-arn not an ARN", ["get", "x", "--transport", "sdk", "--role-arn", "admin"], {}, 2],
  ["--role-arn not a role", ["get", "x", "--transport", "sdk", "--role-arn", "arn:aws:s3:::bucket"], {}, 2],
  ["--endpoint not a URL", ["get", "x", "--transport", "sdk", "--endpoint", "nowhere"], {}, 2],
  ["--endpoint not http", ["get", "x", "--transport", "sdk", "--endpoint", "ftp://127.0.0.1"], {}, 2],
  ["get without an id", ["get"], {}, 2],
  ["get with an empty id", ["get", ""], {}, 2],
  ["get --version-stage and --version-id", ["get", "x", "--version-stage", "A", "--version-id", "B"], {}, 2],
  ["get --version-stage empty", ["get", "x", "--version-stage", ""], {}, 2],
  ["get --field empty", ["get", "prod/db", "--field", ""], {}, 2],
  ["get --field with an empty part", ["get", "prod/db", "--field", "a..b"], {}, 2],
  ["get --field that is not there", ["get", "prod/db", "--field", "nope"], {}, 22],
  ["get-parameter --version not a number", ["get-parameter", "/a", "--version", "x"], {}, 2],
  ["get-parameter --version 0", ["get-parameter", "/a", "--version", "0"], {}, 2],
  ["get-parameter --version and --label", ["get-parameter", "/a", "--version", "1", "--label", "L"], {}, 2],
  ["get-parameters-by-path without a leading /", ["get-parameters-by-path", "a/b"], {}, 2],
  ["exec without a command", ["exec", "--secret", "prod/db"], {}, 2],
  ["exec --env without =", ["exec", "--env", "X", "--", "true"], {}, 2],
  ["exec --env with a bad name", ["exec", "--env", "1BAD=api/key", "--", "true"], {}, 2],
  ["exec --prefix that starts no name", ["exec", "--secret", "prod/db", "--prefix", "1-", "--", "true"], {}, 2],
  ["exec --parameters-prefix bad", ["exec", "--parameters", "/a", "--parameters-prefix", "A B", "--", "true"], {}, 2],
  ["exec --allow-env bad", ["exec", "--secret", "prod/db", "--allow-env", "A-B", "--", "true"], {}, 2],
  ["exec --secret empty", ["exec", "--secret", "", "--", "true"], {}, 2],
  ["doctor with an argument", ["doctor", "extra"], {}, 2],
  ["doctor --transport unknown", ["doctor", "--transport", "bogus"], {}, 2],
  ["doctor, SECRETWRANGLER_TRANSPORT unknown", ["doctor"], { SECRETWRANGLER_TRANSPORT: "bogus" }, 22],
  [
    "agent port variable malformed",
    ["get", "x", "--transport", "agent"],
    { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: "x" },
    22,
  ],
  ["a file transport on a missing file", ["get", "x", "--transport", "file:/nonexistent/secrets.json"], {}, 22],
];

describe("one rule for refused input", () => {
  it.each(REFUSED)("%s", async (_, args, env, code) => {
    const result = await runCli(args, env);

    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).not.toContain(CANARY);
    if (code === 2 && args[0] !== "doctor") expect(result.stderr).toContain("--help");
    if (code === EXIT_CODES.CONFIG && args[0] !== "doctor") expect(result.stderr).toMatch(/^secretwrangler: CONFIG: /);
  });
});

/** Control characters an attacker may put in an id, a spec, a path or a flag. */
const NASTY = "a\r\nsecretwrangler: OK\u001b[2J\u001b]0;owned\u0007\u202eb";

function expectEscaped(text: string, lines = 1): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
  expect(text.trimEnd().split("\n")).toHaveLength(lines);
  expect(text).toMatch(/\\x1B|\\u001b/);
}

describe("control characters are escaped in everything the CLI prints to stderr", () => {
  it.each([
    ["an id", ["get", NASTY]],
    ["a spec", ["get", "x", "--transport", NASTY]],
    ["a file path", ["get", "x", "--transport", `file:/nonexistent/${NASTY}`]],
    ["a field", ["get", "prod/db", "--field", NASTY]],
    ["an unknown command", [NASTY]],
    ["an unknown flag", ["get", "x", `--${NASTY}`]],
    ["an --env pair", ["exec", "--env", NASTY, "--", "true"]],
    ["an --env name", ["exec", "--env", `${NASTY}=api/key`, "--", "true"]],
    ["a program", ["exec", "--secret", "prod/db", "--", `/nonexistent/${NASTY}`]],
  ] as const)("%s", async (_, args) => {
    const result = await runCli(args);

    expect(result.code).not.toBe(0);
    const usage = result.code === 2 ? 2 : 1;
    expectEscaped(result.stderr, usage);
  });

  it("in the spec from the environment", async () => {
    const result = await runCli(["get", "x"], { SECRETWRANGLER_TRANSPORT: NASTY });

    expectEscaped(result.stderr);
  });

  it("in doctor's report", async () => {
    const result = await runCli(["doctor", "--transport", `file:/nonexistent/${NASTY}`]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expectEscaped(result.stdout, 2);
  });
});
