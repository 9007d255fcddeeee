/**
 * `exec --env-file` and `--resolve-env`, in-process against a loopback Secrets Manager and SSM
 * through the sdk transport: the references of a dotenv file (and of the current environment) are
 * resolved in one batched pass (BatchGetSecretValue, GetParameters), injected into a real child,
 * with the protected-variable, conflict and `*_ARN` rules; no value ever reaches stderr.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { EXIT_CODES, EXIT_USAGE } from "../src/cli/exit-codes.js";
import { main } from "../src/cli/main.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY } from "./helpers/canary.js";
import { fakeArn, startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { startFakeSsm, stringParameter } from "./helpers/fake-ssm.js";
import { CURRENT_VERSION, type Fixtures } from "./helpers/fixtures.js";

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-cli-env-file-exec-"));
const childOutput = join(directory, "child-env.json");
let secretsManager: AwsJsonServer;
let ssm: AwsJsonServer;

function secret(value: string): Fixtures[string] {
  return [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value }];
}

const SECRETS: Fixtures = {
  "prod/db": secret(JSON.stringify({ username: "app", password: `db-${CANARY}` })),
  "prod/api-key": secret(`key-${CANARY}`),
  "prod/evil": secret("/tmp/evil-bin"),
  ...Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`bulk/${index}`, secret(`bulk-${index}`)])),
};

/** The child: writes the variables named in argv as JSON, and nothing else. */
function child(names: readonly string[]): string[] {
  const script = `require("fs").writeFileSync(${JSON.stringify(childOutput)}, JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n] ?? null]))))`;
  return ["--", process.execPath, "-e", script];
}

function sink(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      write(String(chunk));
      done();
    },
  });
}

async function exec(args: readonly string[], names: readonly string[] = []) {
  rmSync(childOutput, { force: true });
  let stderr = "";
  let stdout = "";
  const io = { stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)) };
  const before = { sm: secretsManager.requests.length, ssm: ssm.requests.length };
  const code = await main(["exec", "--transport", "sdk", ...args, ...child(names)], io);
  const requests = [...secretsManager.requests.slice(before.sm), ...ssm.requests.slice(before.ssm)];
  const calls: Record<string, number> = {};
  for (const request of requests) calls[request.operation] = (calls[request.operation] ?? 0) + 1;
  const env = existsSync(childOutput)
    ? (JSON.parse(readFileSync(childOutput, "utf8")) as Record<string, string | null>)
    : undefined;
  return { code, stdout, stderr, calls, env };
}

function envFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  // Batch pages as large as a call may ask for: one call answers one chunk of 20 ids.
  secretsManager = await startFakeSecretsManager(SECRETS, 20);
  ssm = await startFakeSsm(
    {
      "/app/prod/api-host": stringParameter("api.example.com"),
      "/app/prod/db-password": { type: "SecureString", versions: [{ value: `param-${CANARY}` }] },
      ...Object.fromEntries(
        Array.from({ length: 12 }, (_, index) => [`/bulk/${index}`, stringParameter(`p-${index}`)]),
      ),
    },
    { secrets: { "prod/api-key": `key-${CANARY}` } },
  );
});

afterAll(async () => {
  await secretsManager?.close();
  await ssm?.close();
  rmSync(directory, { recursive: true, force: true });
});

beforeEach(() => {
  // Each service on its own loopback fake, as the SDK reads the service-specific endpoint variables.
  vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsManager.endpoint);
  vi.stubEnv("AWS_ENDPOINT_URL_SSM", ssm.endpoint);
  return () => vi.unstubAllEnvs();
});

describe("exec --env-file", () => {
  it("resolves every reference of the file in one batched pass and injects the values", async () => {
    const file = envFile(
      "app.env",
      [
        "# the app's configuration",
        "export LOG_LEVEL=debug",
        "DB_PASSWORD={{resolve:secretsmanager:prod/db:SecretString:password}}",
        "DB_USER={{resolve:secretsmanager:prod/db::username}}",
        `API_KEY=${fakeArn("prod/api-key")}`,
        'API_URL="https://{{resolve:ssm:/app/prod/api-host}}/v1"',
        "PARAM_PASSWORD={{resolve:ssm-secure:/app/prod/db-password}}",
        "VIA_PS=/aws/reference/secretsmanager/prod/api-key",
        ...Array.from({ length: 12 }, (_, index) => `BULK_${index}={{resolve:secretsmanager:bulk/${index}}}`),
        ...Array.from({ length: 12 }, (_, index) => `PBULK_${index}={{resolve:ssm:/bulk/${index}}}`),
        "",
      ].join("\n"),
    );
    const names = ["LOG_LEVEL", "DB_PASSWORD", "DB_USER", "API_KEY", "API_URL", "PARAM_PASSWORD", "VIA_PS"];
    const result = await exec(["--env-file", file], [...names, "BULK_11", "PBULK_11"]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.env).toEqual({
      LOG_LEVEL: "debug",
      DB_PASSWORD: `db-${CANARY}`,
      DB_USER: "app",
      API_KEY: `key-${CANARY}`,
      API_URL: "https://api.example.com/v1",
      PARAM_PASSWORD: `param-${CANARY}`,
      VIA_PS: `key-${CANARY}`,
      BULK_11: "bulk-11",
      PBULK_11: "p-11",
    });
    // 14 distinct secret ids: one BatchGetSecretValue (20 ids a call). Parameters: 13 plain names (two
    // calls of at most 10), and one decrypted batch for ssm-secure and /aws/reference/...
    expect(result.calls).toEqual({ BatchGetSecretValue: 1, GetParameters: 3 });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("");
  });

  it("keeps *_ARN variables as the ARN they hold", async () => {
    const file = envFile("arn.env", `DB_SECRET_ARN=${fakeArn("prod/db")}\ndb_secret_arn=${fakeArn("prod/db")}\n`);
    const result = await exec(["--env-file", file], ["DB_SECRET_ARN", "db_secret_arn"]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.env).toEqual({ DB_SECRET_ARN: fakeArn("prod/db"), db_secret_arn: fakeArn("prod/db") });
    expect(result.calls).toEqual({});
  });

  it("refuses a protected variable from the file before any read, naming the line and not the value", async () => {
    const file = envFile("protected.env", "A=1\nLD_PRELOAD={{resolve:secretsmanager:prod/evil}}\n");
    const result = await exec(["--env-file", file, "--secret", "prod/db"], ["LD_PRELOAD"]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.env).toBeUndefined();
    expect(result.calls).toEqual({});
    expect(result.stderr).toContain(`--env-file ${file} (line 2) would set LD_PRELOAD`);
    expect(result.stderr).toContain("--allow-env LD_PRELOAD");
    expect(result.stderr).not.toContain("evil-bin");
  });

  it("refuses a protected name with a plain value too, and lets it through with --allow-env", async () => {
    const file = envFile("path.env", "PATH={{resolve:secretsmanager:prod/evil}}\n");
    const refused = await exec(["--env-file", file], ["PATH"]);
    expect(refused.code).toBe(EXIT_CODES.CONFIG);
    expect(refused.env).toBeUndefined();

    const plain = envFile("node-options.env", "NODE_OPTIONS=--require ./evil.js\n");
    expect((await exec(["--env-file", plain], ["NODE_OPTIONS"])).code).toBe(EXIT_CODES.CONFIG);

    const allowed = envFile("lang.env", "GIT_PAGER={{resolve:secretsmanager:prod/evil}}\n");
    const result = await exec(["--env-file", allowed, "--allow-env", "git_pager"], ["GIT_PAGER"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.env).toEqual({ GIT_PAGER: "/tmp/evil-bin" });
  });

  it("refuses a name given by the file and by --env, or by two files, naming both sources", async () => {
    const file = envFile("conflict.env", "API_KEY=literal\n");
    const withEnv = await exec(["--env-file", file, "--env", "API_KEY=prod/api-key"]);
    expect(withEnv.code).toBe(EXIT_CODES.CONFIG);
    expect(withEnv.stderr).toContain(`API_KEY is given by both --env API_KEY and --env-file ${file} (line 1)`);
    expect(withEnv.env).toBeUndefined();

    const other = envFile("conflict-2.env", "# other\nAPI_KEY={{resolve:secretsmanager:prod/api-key}}\n");
    const twoFiles = await exec(["--env-file", file, "--env-file", other]);
    expect(twoFiles.code).toBe(EXIT_CODES.CONFIG);
    expect(twoFiles.stderr).toContain(`--env-file ${file} (line 1) and --env-file ${other} (line 2)`);
    expect(twoFiles.calls).toEqual({});
    expect(twoFiles.stderr).not.toContain(CANARY);
  });

  it("overrides inherited variables with the file's, as for every other source", async () => {
    vi.stubEnv("FROM_FILE", "inherited");
    const file = envFile("override.env", "FROM_FILE={{resolve:secretsmanager:prod/api-key}}\n");
    const result = await exec(["--env-file", file], ["FROM_FILE"]);

    expect(result.env).toEqual({ FROM_FILE: `key-${CANARY}` });
  });

  it("exits with the failed reference's code, one stderr line per failed variable, no value", async () => {
    const file = envFile(
      "missing.env",
      "OK={{resolve:secretsmanager:prod/api-key}}\nGONE={{resolve:secretsmanager:no/such}}\nNOKEY={{resolve:secretsmanager:prod/db::nope}}\n",
    );
    const result = await exec(["--env-file", file], ["OK"]);

    expect(result.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(result.env).toBeUndefined();
    expect(result.stderr).toContain(`--env-file ${file} (line 2): GONE: NOT_FOUND`);
    expect(result.stderr).toContain(`--env-file ${file} (line 3): NOKEY: NOT_FOUND`);
    expect(result.stderr).toContain("2 variable(s) could not be resolved: GONE (NOT_FOUND), NOKEY (NOT_FOUND)");
    expect(result.stderr).not.toContain(CANARY);
    expect(result.calls).toEqual({ BatchGetSecretValue: 1 });
  });

  it("gives a malformed reference CONFIG, naming the variable and not the text", async () => {
    const file = envFile("malformed.env", `BAD={{resolve:secretsmanager:${CANARY}\n`);
    const result = await exec(["--env-file", file]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toContain("BAD: CONFIG");
    expect(result.stderr).not.toContain(CANARY);
  });

  it("refuses a malformed line as a usage error naming its number, before any read, never quoting it", async () => {
    const file = envFile("typo.env", `A={{resolve:secretsmanager:prod/api-key}}\n\n${CANARY}\n`);
    const result = await exec(["--env-file", file, "--secret", "prod/db"]);

    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain(`--env-file ${file}: line 3: expected NAME=value`);
    expect(result.stderr).not.toContain(CANARY);
    expect(result.calls).toEqual({});
  });

  it("gives a missing or unreadable file CONFIG", async () => {
    const result = await exec(["--env-file", join(directory, "nope.env")]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toContain("nope.env: cannot open the file (ENOENT)");
  });
});

describe("exec --resolve-env", () => {
  it("resolves references in the current environment, skipping *_ARN and plain values", async () => {
    vi.stubEnv("APP_DB_PASSWORD", "{{resolve:secretsmanager:prod/db:SecretString:password}}");
    vi.stubEnv("APP_API_URL", "https://{{resolve:ssm:/app/prod/api-host}}/v1");
    vi.stubEnv("APP_DB_SECRET_ARN", fakeArn("prod/db"));
    vi.stubEnv("APP_PLAIN", "plain");
    const file = envFile("with-env.env", "FILE_KEY={{resolve:secretsmanager:prod/api-key}}\n");
    const names = ["APP_DB_PASSWORD", "APP_API_URL", "APP_DB_SECRET_ARN", "APP_PLAIN", "FILE_KEY"];
    const result = await exec(["--resolve-env", "--env-file", file], names);

    expect(result.code, result.stderr).toBe(0);
    expect(result.env).toEqual({
      APP_DB_PASSWORD: `db-${CANARY}`,
      APP_API_URL: "https://api.example.com/v1",
      APP_DB_SECRET_ARN: fakeArn("prod/db"),
      APP_PLAIN: "plain",
      FILE_KEY: `key-${CANARY}`,
    });
    // The file's and the environment's references together: one pass.
    expect(result.calls).toEqual({ BatchGetSecretValue: 1, GetParameters: 1 });
  });

  it("leaves references in the environment alone without the flag", async () => {
    vi.stubEnv("APP_DB_PASSWORD", "{{resolve:secretsmanager:prod/db:SecretString:password}}");
    const result = await exec([], ["APP_DB_PASSWORD"]);

    expect(result.env).toEqual({ APP_DB_PASSWORD: "{{resolve:secretsmanager:prod/db:SecretString:password}}" });
    expect(result.calls).toEqual({});
  });

  it("limits the keys with --resolve-env-only PREFIX", async () => {
    vi.stubEnv("APP_KEY", "{{resolve:secretsmanager:prod/api-key}}");
    vi.stubEnv("OTHER_KEY", "{{resolve:secretsmanager:prod/api-key}}");
    const result = await exec(["--resolve-env-only", "APP_"], ["APP_KEY", "OTHER_KEY"]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.env).toEqual({ APP_KEY: `key-${CANARY}`, OTHER_KEY: "{{resolve:secretsmanager:prod/api-key}}" });
  });

  it("refuses a protected inherited variable holding a reference, before reading it", async () => {
    vi.stubEnv("NODE_OPTIONS", "{{resolve:secretsmanager:prod/evil}}");
    const result = await exec(["--resolve-env"], ["NODE_OPTIONS"]);

    expect(result.code).toBe(EXIT_CODES.CONFIG);
    expect(result.stderr).toContain("--resolve-env would set NODE_OPTIONS");
    expect(result.calls).toEqual({});
  });

  it("refuses a --resolve-env-only value that is no start of a variable name", async () => {
    const result = await exec(["--resolve-env-only", "APP-"]);

    expect(result.code).toBe(EXIT_USAGE);
  });
});
