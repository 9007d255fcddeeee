/**
 * `secretwrangler export`, in-process on the file transport (and once on a loopback Secrets
 * Manager): each format round-trips (dotenv read back by our parser and by `node --env-file` in a
 * child, shell sourced by `sh`, JSON parsed); a terminal is refused without --force; --output writes
 * a 0600 file atomically; values never reach stderr.
 */
import { execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { parseDotenv } from "../src/cli/dotenv.js";
import { EXIT_CODES, EXIT_USAGE } from "../src/cli/exit-codes.js";
import { main } from "../src/cli/main.js";
import { CANARY } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { CURRENT_VERSION } from "./helpers/fixtures.js";

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-cli-export-"));
const secretsFile = join(directory, "secrets.json");

/** Values that stress every quoting rule; all of them can be spelled in dotenv. */
const TRICKY: Record<string, string> = {
  RT_PLAIN: "plain",
  RT_EMPTY: "",
  RT_PADDED: "  padded  ",
  RT_HASH: "# not a comment",
  RT_SINGLE: "it's",
  RT_BOTH: `it's "double"`,
  RT_LITERAL_BACKSLASH_N: "it's \\n literal",
  RT_NEWLINES: "line 1\nline 2\n",
  RT_SHELL: "$HOME `cmd` $(id) 'q' ; rm -rf /",
  RT_BACKSLASHES: "back\\slash\\",
  RT_BACKSLASH_NEWLINE: "a\\\nb",
  RT_EQUALS: "a=b=c",
  RT_UNICODE: "ünïcødé ☃ 日本",
  RT_CANARY: CANARY,
  RT_QUOTES_NEWLINE: `'single' and "double"\nand a newline`,
};
/** Values only JSON and the shell can hold. */
const SHELL_ONLY: Record<string, string> = {
  RT_ALL_QUOTES: `'"\` ${CANARY}`,
  RT_CR: `a\r\nb ${CANARY}`,
};

const literalFile = join(directory, "literal.env");
const trickyFile = join(directory, "tricky.env");
const shellOnlyFile = join(directory, "shell-only.env");

function secretId(key: string): string {
  return `rt/${key.toLowerCase()}`;
}

beforeAll(() => {
  const secrets = Object.fromEntries(
    Object.entries({ ...TRICKY, ...SHELL_ONLY }).map(([key, value]) => [secretId(key), value]),
  );
  writeFileSync(secretsFile, JSON.stringify({ secrets, parameters: { "/app/host": "api.example.com" } }));
  const references = (values: Record<string, string>) =>
    Object.keys(values)
      .map((key) => `${key}={{resolve:secretsmanager:${secretId(key)}}}\n`)
      .join("");
  writeFileSync(trickyFile, `# every tricky value, by reference\n${references(TRICKY)}`);
  writeFileSync(shellOnlyFile, references(SHELL_ONLY));
  writeFileSync(
    literalFile,
    'export LOG_LEVEL=info\nAPI_URL="https://{{resolve:ssm:/app/host}}/v1"\nDB_SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf\n',
  );
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

beforeEach(() => {
  vi.stubEnv("SECRETWRANGLER_TRANSPORT", `file:${secretsFile}`);
  return () => vi.unstubAllEnvs();
});

function sink(write: (text: string) => void, isTTY = false): Writable & { isTTY: boolean } {
  return Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        write(String(chunk));
        done();
      },
    }),
    { isTTY },
  );
}

async function exportCli(args: readonly string[], options: { tty?: boolean } = {}) {
  let stdout = "";
  let stderr = "";
  const io = { stdout: sink((text) => (stdout += text), options.tty), stderr: sink((text) => (stderr += text)) };
  const code = await main(["export", ...args], io);
  return { code, stdout, stderr };
}

/** Runs a child with `env` laid over the current environment; its stdout parsed as JSON. */
function childJson(file: string, args: readonly string[]): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`child failed: ${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, string>);
    });
  });
}

/** A node -e script printing the given variables as JSON. */
function printer(names: readonly string[]): string {
  return `process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n]]))))`;
}

describe("export --format dotenv", () => {
  it("round-trips every value through our parser and through node --env-file", async () => {
    const result = await exportCli(["--env-file", trickyFile]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    const readBack = Object.fromEntries(parseDotenv(result.stdout, "out").map((entry) => [entry.key, entry.value]));
    expect(readBack).toEqual(TRICKY);

    const out = join(directory, "tricky-out.env");
    writeFileSync(out, result.stdout, { mode: 0o600 });
    const names = Object.keys(TRICKY);
    const fromNode = await childJson(process.execPath, [`--env-file=${out}`, "-e", printer(names)]);
    expect(fromNode).toEqual(TRICKY);
  });

  it("passes plain values through, resolves embedded references and keeps *_ARN variables", async () => {
    const result = await exportCli(["--env-file", literalFile]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      "LOG_LEVEL='info'\nAPI_URL='https://api.example.com/v1'\nDB_SECRET_ARN='arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'\n",
    );
  });

  it("refuses a value dotenv cannot spell with CONFIG, naming the variable, printing nothing", async () => {
    const result = await exportCli(["--env-file", shellOnlyFile]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("the value of RT_ALL_QUOTES cannot be written as dotenv");
    expect(result.stderr).toContain("--format json");
    expect(result.stderr).not.toContain(CANARY);
  });
});

describe("export --format shell", () => {
  it("is sourced by sh to the same values, the dotenv-only ones included", async () => {
    const all = { ...TRICKY, ...SHELL_ONLY };
    const result = await exportCli(["--env-file", trickyFile, "--env-file", shellOnlyFile, "--format", "shell"]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("export RT_PLAIN='plain'");
    const out = join(directory, "out.sh");
    writeFileSync(out, result.stdout, { mode: 0o600 });
    const script = `. "$1" && exec "$2" -e '${printer(Object.keys(all))}'`;
    const fromShell = await childJson("sh", ["-c", script, "sh", out, process.execPath]);
    expect(fromShell).toEqual(all);
  });
});

describe("export --format json", () => {
  it("prints one object of every variable", async () => {
    const result = await exportCli(["--env-file", trickyFile, "--env-file", shellOnlyFile, "--format", "json"]);

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ...TRICKY, ...SHELL_ONLY });
    expect(Object.keys(JSON.parse(result.stdout))).toEqual([...Object.keys(TRICKY), ...Object.keys(SHELL_ONLY)]);
  });

  it("refuses an unknown format as a usage error", async () => {
    expect((await exportCli(["--env-file", trickyFile, "--format", "yaml"])).code).toBe(EXIT_USAGE);
  });
});

describe("export refuses a terminal", () => {
  it("without --force, before reading anything", async () => {
    vi.stubEnv("SECRETWRANGLER_TRANSPORT", `file:${join(directory, "no-such-secrets.json")}`);
    const result = await exportCli(["--env-file", trickyFile], { tty: true });

    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("stdout is a terminal");
    expect(result.stderr).toContain("--force");
  });

  it("and writes to it with --force", async () => {
    const result = await exportCli(["--env-file", literalFile, "--force"], { tty: true });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("LOG_LEVEL='info'");
  });

  it("but --output goes to the file whatever stdout is", async () => {
    const out = join(directory, "tty-out.env");
    const result = await exportCli(["--env-file", literalFile, "--output", out], { tty: true });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toContain("LOG_LEVEL='info'");
  });
});

describe("export --output", () => {
  function leftovers(): string[] {
    return readdirSync(directory).filter((name) => name.endsWith(".tmp"));
  }

  it("creates a file of mode 0600, whatever the umask, leaving no temp file", async () => {
    const out = join(directory, "new.env");
    const umask = process.umask(0);
    try {
      const result = await exportCli(["--env-file", trickyFile, "--output", out]);
      expect(result.code, result.stderr).toBe(0);
    } finally {
      process.umask(umask);
    }
    expect(lstatSync(out).mode & 0o777).toBe(0o600);
    const readBack = Object.fromEntries(
      parseDotenv(readFileSync(out, "utf8"), "out").map((entry) => [entry.key, entry.value]),
    );
    expect(readBack).toEqual(TRICKY);
    expect(leftovers()).toEqual([]);
  });

  it("replaces an existing 0600 file", async () => {
    const out = join(directory, "existing.env");
    writeFileSync(out, "OLD=1\n", { mode: 0o600 });
    const result = await exportCli(["--env-file", literalFile, "--output", out]);

    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("LOG_LEVEL='info'");
    expect(lstatSync(out).mode & 0o777).toBe(0o600);
  });

  it("refuses a file group or others may read unless --force, and then leaves it 0600", async () => {
    const out = join(directory, "shared.env");
    writeFileSync(out, "OLD=1\n");
    chmodSync(out, 0o644);
    const refused = await exportCli(["--env-file", literalFile, "--output", out]);

    expect(refused.code).toBe(EXIT_USAGE);
    expect(refused.stderr).toContain("mode 0644");
    expect(readFileSync(out, "utf8")).toBe("OLD=1\n");

    const forced = await exportCli(["--env-file", literalFile, "--output", out, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(lstatSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, "utf8")).toContain("LOG_LEVEL='info'");
  });

  it("refuses a symlink or a directory, even with --force", async () => {
    const target = join(directory, "target.env");
    writeFileSync(target, "KEEP=1\n", { mode: 0o600 });
    const link = join(directory, "link.env");
    symlinkSync(target, link);
    for (const out of [link, directory]) {
      const result = await exportCli(["--env-file", literalFile, "--output", out, "--force"]);
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.stderr).toContain("is not a regular file");
    }
    expect(readFileSync(target, "utf8")).toBe("KEEP=1\n");
  });

  it("writes nothing when a reference fails, exiting with its code", async () => {
    const out = join(directory, "failed.env");
    const file = join(directory, "failing.env");
    writeFileSync(file, "GOOD={{resolve:secretsmanager:rt/rt_canary}}\nGONE={{resolve:secretsmanager:no/such}}\n");
    const result = await exportCli(["--env-file", file, "--output", out]);

    expect(result.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(existsSync(out)).toBe(false);
    expect(result.stderr).toContain("GONE: NOT_FOUND");
    expect(result.stderr).not.toContain(CANARY);
    expect(leftovers()).toEqual([]);
  });

  it("gives a directory that cannot hold the file CONFIG", async () => {
    const result = await exportCli(["--env-file", literalFile, "--output", join(directory, "no/such/dir/x.env")]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toContain("cannot create a file next to it (ENOENT)");
  });
});

describe("export refusals", () => {
  it("refuses protected variables unless --allow-env names them", async () => {
    const file = join(directory, "protected.env");
    writeFileSync(file, `NODE_OPTIONS={{resolve:secretsmanager:${secretId("RT_CANARY")}}}\n`);
    const refused = await exportCli(["--env-file", file]);

    expect(refused.code).toBe(EXIT_CODES.CONFIG);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("would set NODE_OPTIONS");
    expect(refused.stderr).toContain("export failed");
    expect(refused.stderr).not.toContain(CANARY);

    const allowed = await exportCli(["--env-file", file, "--allow-env", "NODE_OPTIONS"]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toBe(`NODE_OPTIONS='${CANARY}'\n`);
  });

  it("needs --env-file, takes no arguments, and names a malformed line without its text", async () => {
    expect((await exportCli([])).code).toBe(EXIT_USAGE);
    expect((await exportCli(["--env-file", literalFile, "extra"])).code).toBe(EXIT_USAGE);

    const file = join(directory, "typo.env");
    writeFileSync(file, `OK=1\nTOKEN ${CANARY}\n`);
    const result = await exportCli(["--env-file", file]);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain("line 2:");
    expect(result.stderr).not.toContain(CANARY);
    expect(result.stdout).toBe("");
  });

  it("lists export in the main help and documents its flags", async () => {
    const help = await exportCli(["--help"]);
    expect(help.stdout).toContain("--format <f>");
    expect(help.stdout).toContain("--output <path>");
    let main_help = "";
    await main(["--help"], { stdout: sink((text) => (main_help += text)), stderr: sink(() => {}) });
    expect(main_help).toContain("export --env-file <path>");
  });
});

describe("export on the sdk transport", () => {
  it("reads every secret of the files with one BatchGetSecretValue", async () => {
    const fixtures = Object.fromEntries(
      Array.from({ length: 15 }, (_, index) => [
        `batch/${index}`,
        [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: `v-${index}-${CANARY}` }],
      ]),
    );
    const server = await startFakeSecretsManager(fixtures, 20);
    try {
      const file = join(directory, "batch.env");
      writeFileSync(
        file,
        Array.from({ length: 15 }, (_, index) => `B_${index}={{resolve:secretsmanager:batch/${index}}}\n`).join(""),
      );
      const result = await exportCli([
        "--env-file",
        file,
        "--format",
        "json",
        "--transport",
        "sdk",
        "--endpoint",
        server.endpoint,
      ]);

      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ B_0: `v-0-${CANARY}`, B_14: `v-14-${CANARY}` });
      expect(server.requests.map((request) => request.operation)).toEqual(["BatchGetSecretValue"]);
      expect(result.stderr).toBe("");
    } finally {
      await server.close();
    }
  });
});
