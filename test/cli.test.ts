/**
 * The CLI, run as the built executable in a child process against the file transport and a loopback
 * Secrets Manager.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/cli/exit-codes.js";
import { builtPackage } from "./helpers/built-package.js";
import { CANARY } from "./helpers/canary.js";
import { AGENT_TOKEN_CANARY, freePort, startFakeAgent } from "./helpers/fake-agent.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { startFakeSts } from "./helpers/fake-sts.js";
import { BINARY_VALUE, FIXTURES } from "./helpers/fixtures.js";

interface CliResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-cli-"));
const secretsFile = join(directory, "secrets.json");
const bigFile = join(directory, "big.json");
let cli: string;
let server: Awaited<ReturnType<typeof startFakeSecretsManager>>;

beforeAll(async () => {
  cli = join((await builtPackage()).dir, "cli.js");
  server = await startFakeSecretsManager(FIXTURES);
  writeFileSync(bigFile, JSON.stringify({ secrets: { "api/big": CANARY.repeat(200_000) } }));
  writeFileSync(
    secretsFile,
    JSON.stringify({
      secrets: {
        "prod/db": { username: "app", password: CANARY, dbName: "orders", port: 5432, tls: { mode: "require" } },
        "api/key": `key-${CANARY}`,
        "api/other": { username: "second" },
        "api/nul": { token: `before\u0000${CANARY}` },
      },
      parameters: {
        "/app/prod/api-url": "https://api.example.com",
        "/app/prod/hosts": ["a.internal", "b.internal"],
        "/app/prod/db/password": { type: "SecureString", value: `param-${CANARY}` },
      },
    }),
  );
});

afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, SECRETWRANGLER_TRANSPORT: `file:${secretsFile}`, ...env }, encoding: "buffer" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr: stderr.toString("utf8") });
      },
    );
  });
}

describe("secretwrangler get", () => {
  it("prints a text secret exactly, and nothing else", async () => {
    const result = await runCli(["get", "api/key"]);

    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe(`key-${CANARY}`);
    expect(result.stderr).toBe("");
  });

  it("prints one field of a JSON secret with --field", async () => {
    const result = await runCli(["get", "prod/db", "--field", "tls.mode"]);

    expect(result.stdout.toString()).toBe("require");
  });

  it("pretty-prints a JSON secret with --json", async () => {
    const result = await runCli(["get", "prod/db", "--json"]);

    expect(JSON.parse(result.stdout.toString())).toMatchObject({ username: "app", port: 5432 });
    expect(result.stdout.toString()).toContain('\n  "username"');
  });

  it("reads a version stage through the sdk transport", async () => {
    const result = await runCli([
      "get",
      "app/versioned",
      "--transport",
      "sdk",
      "--endpoint",
      server.endpoint,
      "--region",
      "us-east-1",
      "--version-stage",
      "AWSPREVIOUS",
    ]);

    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout.toString())).toEqual({ user: "app", password: "old" });
  });

  it("writes a binary secret's raw bytes", async () => {
    const result = await runCli(["get", "app/binary", "--transport", "sdk", "--endpoint", server.endpoint]);

    expect(new Uint8Array(result.stdout)).toEqual(BINARY_VALUE);
  });

  it("reports a missing secret on stderr in one line, with its own exit code", async () => {
    const result = await runCli(["get", "nope"]);

    expect(result.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(result.stdout.length).toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^secretwrangler: NOT_FOUND: .*"nope"/);
  });

  it("reports a missing field without printing the secret", async () => {
    const result = await runCli(["get", "prod/db", "--field", "nope"]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).not.toContain(CANARY);
  });

  it("exits 2 with a hint on a usage error", async () => {
    const result = await runCli(["get"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Run "secretwrangler get --help"');
  });

  it("exits 2 when the library refuses an argument", async () => {
    const result = await runCli(["get-parameters-by-path", "app/prod"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must start with "/"');
  });

  it("refuses the memory transport, which would start empty: usage from the flag, CONFIG from the variable", async () => {
    const fromFlag = await runCli(["get", "x", "--transport", "memory"]);
    const fromEnv = await runCli(["get", "x"], { SECRETWRANGLER_TRANSPORT: "memory" });

    expect(fromFlag.code).toBe(2);
    expect(fromEnv.code).toBe(EXIT_CODES.CONFIG);
  });

  it("sends --endpoint to the SDK fallback of auto", async () => {
    const result = await runCli(["get", "app/text", "--transport", "auto", "--endpoint", server.endpoint]);

    expect(result.stderr).toBe("");
    expect(result.stdout.toString()).toBe(`text-${CANARY}`);
  });

  it("treats names of Object.prototype members as unknown commands", async () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const result = await runCli([name]);

      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toContain(`unknown command "${name}"`);
    }
  });

  it("prints help for every command", async () => {
    for (const command of ["get", "get-parameter", "get-parameters-by-path", "exec", "doctor"]) {
      const result = await runCli([command, "--help"]);

      expect(result.code, command).toBe(0);
      expect(result.stdout.toString()).toContain(`Usage: secretwrangler ${command}`);
    }
  });
});

describe("secretwrangler get-parameter and get-parameters-by-path", () => {
  it("prints a String parameter", async () => {
    const result = await runCli(["get-parameter", "/app/prod/api-url"]);

    expect(result.stdout.toString()).toBe("https://api.example.com");
  });

  it("prints a StringList as a JSON array", async () => {
    const result = await runCli(["get-parameter", "/app/prod/hosts"]);

    expect(JSON.parse(result.stdout.toString())).toEqual(["a.internal", "b.internal"]);
  });

  it("prints a path as a nested object, or flat with --flat", async () => {
    const tree = await runCli(["get-parameters-by-path", "/app/prod"]);
    const flat = await runCli(["get-parameters-by-path", "/app/prod", "--flat"]);

    expect(JSON.parse(tree.stdout.toString())).toEqual({
      "api-url": "https://api.example.com",
      hosts: ["a.internal", "b.internal"],
      db: { password: `param-${CANARY}` },
    });
    expect(JSON.parse(flat.stdout.toString())).toEqual({
      "api-url": "https://api.example.com",
      hosts: ["a.internal", "b.internal"],
      "db/password": `param-${CANARY}`,
    });
  });
});

describe("secretwrangler exec", () => {
  const printEnv = (names: string[]) => [
    "--",
    process.execPath,
    "-e",
    `process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n] ?? null]))))`,
  ];

  it("injects a JSON secret's fields as prefixed variables", async () => {
    const result = await runCli([
      "exec",
      "--secret",
      "prod/db",
      "--prefix",
      "DB_",
      ...printEnv(["DB_USERNAME", "DB_PASSWORD", "DB_DB_NAME", "DB_PORT", "DB_TLS_MODE"]),
    ]);

    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout.toString())).toEqual({
      DB_USERNAME: "app",
      DB_PASSWORD: CANARY,
      DB_DB_NAME: "orders",
      DB_PORT: "5432",
      DB_TLS_MODE: "require",
    });
  });

  it("injects a text secret with --env and parameters with --parameters", async () => {
    const result = await runCli([
      "exec",
      "--env",
      "API_KEY=api/key",
      "--parameters",
      "/app/prod",
      ...printEnv(["API_KEY", "API_URL", "HOSTS", "DB_PASSWORD"]),
    ]);

    expect(JSON.parse(result.stdout.toString())).toEqual({
      API_KEY: `key-${CANARY}`,
      API_URL: "https://api.example.com",
      HOSTS: "a.internal,b.internal",
      DB_PASSWORD: `param-${CANARY}`,
    });
  });

  it("refuses two sources that give the same variable, naming them but no value", async () => {
    const result = await runCli(["exec", "--secret", "prod/db", "--secret", "api/other", "--", "true"]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toContain("USERNAME is given by both --secret prod/db and --secret api/other");
    expect(result.stderr).not.toContain(CANARY);
    expect(result.stderr).not.toContain("second");
  });

  it("prefixes parameters separately from secrets", async () => {
    const result = await runCli([
      "exec",
      "--secret",
      "api/other",
      "--prefix",
      "DB_",
      "--parameters",
      "/app/prod",
      "--parameters-prefix",
      "CFG_",
      ...printEnv(["DB_USERNAME", "CFG_API_URL", "API_URL"]),
    ]);

    expect(JSON.parse(result.stdout.toString())).toEqual({
      DB_USERNAME: "second",
      CFG_API_URL: "https://api.example.com",
      API_URL: null,
    });
  });

  it("refuses a value with a NUL byte by name, without printing it", async () => {
    const result = await runCli(["exec", "--secret", "api/nul", "--", "true"]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toContain("the value of TOKEN holds a NUL byte");
    expect(result.stderr).not.toContain(CANARY);
  });

  it("refuses an --env name that is not a variable name, as a usage error", async () => {
    const result = await runCli(["exec", "--env", "1 BAD=api/key", "--", "true"]);

    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(CANARY);
  });

  it("exits with the child's exit code", async () => {
    const result = await runCli(["exec", "--secret", "prod/db", "--", process.execPath, "-e", "process.exit(7)"]);

    expect(result.code).toBe(7);
  });

  /** Runs `exec` around a program that exits with `code` on `signal`, sends the signal once it is ready. */
  async function exitCodeAfter(signal: NodeJS.Signals, code: number): Promise<number | null> {
    const program = `process.on("${signal}", () => process.exit(${code})); console.log("ready"); setTimeout(() => {}, 10000);`;
    const child = spawn(process.execPath, [cli, "exec", "--secret", "prod/db", "--", process.execPath, "-e", program], {
      env: { ...process.env, SECRETWRANGLER_TRANSPORT: `file:${secretsFile}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.kill(signal);
    return new Promise((resolve) => child.on("exit", resolve));
  }

  it("forwards SIGTERM to the child and exits with the child's code", async () => {
    const code = await exitCodeAfter("SIGTERM", 42);

    expect(code).toBe(42);
  });

  it("forwards SIGINT when stdin is not a terminal (a container's PID 1, kill -INT)", async () => {
    const code = await exitCodeAfter("SIGINT", 43);

    expect(code).toBe(43);
  });

  it("checks --env names before reading any secret", async () => {
    const result = await runCli(["exec", "--env", "OK=nope", "--env", "1BAD=api/key", "--", "true"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"1BAD"');
  });

  it("reports an environment too large to start a program as CONFIG, without values", async () => {
    const result = await runCli(["exec", "--env", "BIG=api/big", "--", "true"], {
      SECRETWRANGLER_TRANSPORT: `file:${bigFile}`,
    });

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toContain("the environment is too large");
    expect(result.stderr).not.toContain(CANARY);
  });

  it("fails before running anything when a secret is missing", async () => {
    const result = await runCli(["exec", "--secret", "nope", "--", process.execPath, "-e", "console.log('ran')"]);

    expect(result.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(result.stdout.toString()).toBe("");
  });
});

describe("secretwrangler doctor", () => {
  it("reports the agent, that it answers and accepts the token, without the token", async () => {
    const agent = await startFakeAgent({ fixtures: FIXTURES });
    try {
      const result = await runCli(["doctor", "--transport", "agent"], {
        AWS_TOKEN: AGENT_TOKEN_CANARY,
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(agent.port),
      });

      expect(result.code).toBe(0);
      const output = result.stdout.toString();
      expect(output).toContain("transport:   agent (from --transport)");
      expect(output).toContain("agent token: accepted by the agent (from AWS_TOKEN)");
      expect(output).toContain(`agent:       answers on ${agent.endpoint}`);
      expect(output).not.toContain(AGENT_TOKEN_CANARY);
      // One read, of an id no secret can have: the token is checked the way a read sends it.
      expect(agent.reads()).toHaveLength(1);
    } finally {
      await agent.close();
    }
  });

  it("fails with CONFIG for a file that is not valid JSON, without quoting it", async () => {
    const broken = join(directory, "broken.json");
    writeFileSync(broken, `{"secrets": {"x": "${CANARY}"`);

    const result = await runCli(["doctor", "--transport", `file:${broken}`]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stdout.toString()).toContain("file:        FAIL (CONFIG)");
    expect(result.stdout.toString()).not.toContain(CANARY);
  });

  it("refuses the same setups the other commands refuse, with the same exit codes", async () => {
    for (const [flags, env] of [
      [["--transport", "memory"], {}],
      [["--transport", "bogus"], {}],
      [[], { SECRETWRANGLER_TRANSPORT: "memory" }],
      [[], { SECRETWRANGLER_TRANSPORT: "bogus" }],
    ] as const) {
      const doctor = await runCli(["doctor", ...flags], env);
      const get = await runCli(["get", "api/key", ...flags], env);

      expect(doctor.code, JSON.stringify([flags, env])).toBe(get.code);
    }
  });

  it("fails with CONFIG for an unknown transport in SECRETWRANGLER_TRANSPORT, and exits 2 for one in --transport", async () => {
    const fromEnv = await runCli(["doctor"], { SECRETWRANGLER_TRANSPORT: "bogus" });
    const fromFlag = await runCli(["doctor", "--transport", "bogus"]);

    expect(fromEnv.code).toBe(EXIT_CODES.CONFIG);
    expect(fromEnv.stdout.toString()).toContain(
      'transport:   FAIL (CONFIG) [secretwrangler] resolveTransport failed (CONFIG): SECRETWRANGLER_TRANSPORT: unknown transport "bogus"',
    );
    expect(fromFlag.code).toBe(2);
    expect(fromFlag.stderr).toContain('unknown transport "bogus"');
  });

  it("fails with AGENT_UNREACHABLE when nothing answers on the agent's port", async () => {
    const port = await freePort();

    const result = await runCli(["doctor", "--transport", "agent"], {
      AWS_TOKEN: AGENT_TOKEN_CANARY,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
    });

    expect(result.code).toBe(EXIT_CODES.AGENT_UNREACHABLE);
    expect(result.stdout.toString()).toContain("FAIL (AGENT_UNREACHABLE)");
  });

  it("says auto would fall back to the sdk, and shows region, partition, credentials and identity", async () => {
    const sts = await startFakeSts();
    try {
      const result = await runCli(["doctor", "--transport", "auto", "--region", "cn-north-1"], {
        AWS_ENDPOINT_URL_STS: sts.endpoint,
        AWS_SECRET_ACCESS_KEY: `key-${CANARY}`,
      });

      const output = result.stdout.toString();
      expect(output).toContain("auto:        would use sdk");
      expect(output).toContain("region:      cn-north-1 (partition aws-cn)");
      expect(output).toMatch(/identity: +arn:aws[-a-z]*:/);
      expect(output).not.toContain(CANARY);
      expect(result.code).toBe(0);
    } finally {
      await sts.close();
    }
  });
});

describe("exit codes", () => {
  it("are documented in docs/cli.md exactly as the CLI uses them", () => {
    const doc = readFileSync(new URL("../docs/cli.md", import.meta.url), "utf8");
    const documented = Object.fromEntries(
      [...doc.matchAll(/^\| (\d+) \| `([A-Z_]+)` \|$/gm)].map(([, code, name]) => [name, Number(code)]),
    );

    expect(documented).toEqual(EXIT_CODES);
  });
});
