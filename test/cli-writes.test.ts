/**
 * The CLI's writes (issue 15): put, create, list, describe, delete, restore, rotate, random-password
 * and put-parameter, run as the built executable in a child process on the file transport and
 * through the sdk transport against the loopback fakes. Values come from stdin or --file, never
 * from an argument by default, and never show in stderr.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/cli/exit-codes.js";
import { main } from "../src/cli/main.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { builtPackage } from "./helpers/built-package.js";
import { CANARY } from "./helpers/canary.js";
import { fakeArn, startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { addSecretsManagerWrites } from "./helpers/fake-secrets-manager-writes.js";
import { startFakeSsm, stringParameter } from "./helpers/fake-ssm.js";
import { addSsmWrites } from "./helpers/fake-ssm-writes.js";
import { CURRENT_VERSION, type Fixtures, type FixtureVersion } from "./helpers/fixtures.js";

interface CliResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-cli-writes-"));
const secretsFile = join(directory, "secrets.json");
/** A value file over the 64 KiB a secret holds (outside `directory`, which holds the secrets file alone). */
const bigValueFile = join(mkdtempSync(join(tmpdir(), "secretwrangler-cli-writes-value-")), "big.txt");
let cli: string;

/** The file the file-transport tests start from (rewritten before each test). */
const INITIAL = {
  secrets: {
    "prod/db": { username: "app", password: CANARY },
    "api/key": `key-${CANARY}`,
    "api/other": "other",
  },
  parameters: { "/app/prod/api-url": "https://api.example.com" },
};

beforeAll(async () => {
  cli = join((await builtPackage()).dir, "cli.js");
  writeFileSync(bigValueFile, CANARY.repeat(3000));
});

beforeEach(() => {
  writeFileSync(secretsFile, JSON.stringify(INITIAL));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
  rmSync(dirname(bigValueFile), { recursive: true, force: true });
});

/** Runs the CLI with `input` on stdin (a pipe, closed after it; empty when not given). */
function runCli(args: readonly string[], input: string | Uint8Array = "", env: Record<string, string> = {}) {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, SECRETWRANGLER_TRANSPORT: `file:${secretsFile}`, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString("utf8") }),
    );
    // A command that refuses its flags exits before reading stdin: a write may then meet EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

function fileContent(): { secrets: Record<string, unknown>; parameters: Record<string, unknown> } {
  return JSON.parse(readFileSync(secretsFile, "utf8"));
}

describe("put and create on the file transport", () => {
  it("stores stdin as the new value, which get then prints, without its trailing newline", async () => {
    const put = await runCli(["put", "api/key"], `new-${CANARY}\n`);
    const get = await runCli(["get", "api/key"]);

    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout.length).toBe(0);
    expect(get.stdout.toString()).toBe(`new-${CANARY}`);
  });

  it("rewrites the file atomically: a new file renamed over it, and no temporary file left", async () => {
    const before = statSync(secretsFile);

    const result = await runCli(["put", "prod/db", "-"], JSON.stringify({ username: "app", password: "rotated" }));

    expect(result.code, result.stderr).toBe(0);
    expect(statSync(secretsFile).ino).not.toBe(before.ino);
    expect(readdirSync(directory)).toEqual(["secrets.json"]);
    expect(fileContent().secrets["prod/db"]).toEqual({ username: "app", password: "rotated" });
    expect(fileContent().secrets["api/key"]).toBe(`key-${CANARY}`);
  });

  it("keeps a trailing newline with --keep-newline, and removes one \\r\\n otherwise", async () => {
    await runCli(["put", "api/key", "--keep-newline"], "kept\n");
    const kept = await runCli(["get", "api/key"]);
    await runCli(["put", "api/other"], "line\r\n\r\n");
    const once = await runCli(["get", "api/other"]);

    expect(kept.stdout.toString()).toBe("kept\n");
    expect(once.stdout.toString()).toBe("line\r\n");
  });

  it("reads --file, and prints the new version with --json (never the value)", async () => {
    const valueFile = join(directory, "value.txt");
    writeFileSync(valueFile, `from-file-${CANARY}\n`);
    try {
      const result = await runCli(["put", "api/key", "--file", valueFile, "--json"]);

      expect(result.code, result.stderr).toBe(0);
      const printed = JSON.parse(result.stdout.toString());
      expect(printed).toMatchObject({ name: "api/key", versionStages: ["AWSCURRENT"] });
      expect(printed.versionId).toEqual(expect.any(String));
      expect(result.stdout.toString()).not.toContain(CANARY);
      expect(fileContent().secrets["api/key"]).toBe(`from-file-${CANARY}`);
    } finally {
      rmSync(valueFile);
    }
  });

  it("takes --value only with --allow-argument-value", async () => {
    const refused = await runCli(["put", "api/key", "--value", CANARY]);
    const allowed = await runCli(["put", "api/key", "--value", "from-argument", "--allow-argument-value"]);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("shell history");
    expect(refused.stderr).toContain("--allow-argument-value");
    expect(refused.stderr).not.toContain(CANARY);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(fileContent().secrets["api/key"]).toBe("from-argument");
  });

  it("creates a secret with its description and tags, and refuses one that exists with exit 25", async () => {
    const created = await runCli(
      ["create", "app/new", "--description", "a new one", "--tag", "team=core", "--tag", "env=dev", "--json"],
      `first-${CANARY}`,
    );
    const again = await runCli(["create", "app/new"], `second-${CANARY}`);
    const described = await runCli(["describe", "app/new", "--json"]);

    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout.toString())).toMatchObject({ name: "app/new" });
    expect(fileContent().secrets["app/new"]).toBe(`first-${CANARY}`);
    expect(again.code).toBe(EXIT_CODES.ALREADY_EXISTS);
    expect(again.stderr).toMatch(/^secretwrangler: ALREADY_EXISTS: /);
    expect(again.stderr).not.toContain(CANARY);
    expect(JSON.parse(described.stdout.toString())).toMatchObject({ name: "app/new" });
  });

  it("reports a put to a missing secret as NOT_FOUND, without the value", async () => {
    const result = await runCli(["put", "nope"], CANARY);

    expect(result.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toContain(CANARY);
  });
});

describe("list, describe and delete on the file transport", () => {
  it("lists one name per line, filters by name prefix, and prints JSON Lines with --json", async () => {
    const names = await runCli(["list"]);
    const filtered = await runCli(["list", "--filter", "name=api/"]);
    const json = await runCli(["list", "--json", "--filter", "name=prod/"]);

    expect(names.stdout.toString().split("\n").filter(Boolean).sort()).toEqual(["api/key", "api/other", "prod/db"]);
    expect(filtered.stdout.toString().split("\n").filter(Boolean).sort()).toEqual(["api/key", "api/other"]);
    const lines = json.stdout.toString().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ name: "prod/db" });
    expect(json.stdout.toString()).not.toContain(CANARY);
  });

  it("stops listing, quietly and with exit 0, when the reader closes the pipe (| head)", async () => {
    const many = join(dirname(bigValueFile), "many.json");
    const names = Array.from({ length: 20_000 }, (_, index) => [`app/${String(index).padStart(5, "0")}`, "v"]);
    writeFileSync(many, JSON.stringify({ secrets: Object.fromEntries(names) }));
    const child = spawn(process.execPath, [cli, "list", "--transport", `file:${many}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once("data", () => child.stdout.destroy());

    const code = await new Promise((resolve) => child.on("close", resolve));

    expect(code).toBe(0);
    expect(stderr).toBe("");
  });

  it("describes a secret as label lines, with its versions, and as JSON", async () => {
    const text = await runCli(["describe", "prod/db"]);
    const json = await runCli(["describe", "prod/db", "--json"]);

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.toString()).toMatch(/^name: +prod\/db$/m);
    expect(text.stdout.toString()).toMatch(/^version: +\S+ AWSCURRENT$/m);
    expect(text.stdout.toString()).not.toContain(CANARY);
    const description = JSON.parse(json.stdout.toString());
    expect(description.name).toBe("prod/db");
    expect(Object.values(description.versionIdsToStages)).toContainEqual(["AWSCURRENT"]);
  });

  it("deletes a secret: it is gone from the file and from get", async () => {
    const result = await runCli(["delete", "api/other", "--force-delete-without-recovery", "--json"]);
    const get = await runCli(["get", "api/other"]);

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({ name: "api/other" });
    expect(fileContent().secrets).not.toHaveProperty("api/other");
    expect(get.code).toBe(EXIT_CODES.NOT_FOUND);
  });
});

describe("put-parameter on the file transport", () => {
  it("writes a parameter that get-parameter then prints, and needs --overwrite for one that exists", async () => {
    const created = await runCli(["put-parameter", "/app/prod/flag", "--json"], "on\n");
    const read = await runCli(["get-parameter", "/app/prod/flag"]);
    const refused = await runCli(["put-parameter", "/app/prod/flag"], `off-${CANARY}`);
    const overwritten = await runCli(["put-parameter", "/app/prod/flag", "--overwrite"], "off");

    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout.toString())).toMatchObject({ version: 1 });
    expect(read.stdout.toString()).toBe("on");
    expect(refused.code).toBe(EXIT_CODES.ALREADY_EXISTS);
    expect(refused.stderr).not.toContain(CANARY);
    expect(overwritten.code, overwritten.stderr).toBe(0);
    expect(fileContent().parameters["/app/prod/flag"]).toBe("off");
  });

  it("writes a SecureString and a StringList", async () => {
    await runCli(["put-parameter", "/app/prod/secret", "--type", "SecureString"], `param-${CANARY}`);
    await runCli(["put-parameter", "/app/prod/hosts", "--type", "StringList"], "a.internal,b.internal");
    const hosts = await runCli(["get-parameter", "/app/prod/hosts"]);

    expect(fileContent().parameters["/app/prod/secret"]).toEqual({ type: "SecureString", value: `param-${CANARY}` });
    expect(JSON.parse(hosts.stdout.toString())).toEqual(["a.internal", "b.internal"]);
  });
});

/** [what, args, stdin, exit code]. A bad flag or value: 2; a value that cannot be read, or stored there: 22. */
const REFUSED: readonly (readonly [string, string[], string | Uint8Array, number])[] = [
  ["put without an id", ["put"], CANARY, 2],
  ["put with the value as an argument", ["put", "api/key", CANARY], "", 2],
  ["put --value without --allow-argument-value", ["put", "api/key", "--value", CANARY], "", 2],
  ["put - and --file", ["put", "api/key", "-", "--file", "/x"], CANARY, 2],
  ["put --file and --value", ["put", "api/key", "--file", "/x", "--value", CANARY, "--allow-argument-value"], "", 2],
  ["put --allow-argument-value alone", ["put", "api/key", "--allow-argument-value"], CANARY, 2],
  ["put --binary --keep-newline", ["put", "api/key", "--binary", "--keep-newline"], CANARY, 2],
  ["put --binary --value", ["put", "api/key", "--binary", "--value", CANARY, "--allow-argument-value"], "", 2],
  ["put --client-request-token too short", ["put", "api/key", "--client-request-token", "short"], CANARY, 2],
  ["put with an empty stdin", ["put", "api/key"], "", 2],
  ["put with only a newline", ["put", "api/key"], "\n", 2],
  ["put with more than 64 KiB", ["put", "api/key"], CANARY.repeat(3000), 2],
  ["put with text that is not UTF-8", ["put", "api/key"], Uint8Array.from([0xff, 0xfe, 0x41]), 2],
  ["put --file missing", ["put", "api/key", "--file", "/nonexistent/value.txt"], "", 22],
  ["put --file a directory", ["put", "api/key", "--file", "/"], "", 22],
  ["put --file over 64 KiB", ["put", "api/key", "--file", bigValueFile], "", 2],
  ["put --binary to the file transport", ["put", "api/key", "--binary"], CANARY, 22],
  ["create --tag without =", ["create", "app/x", "--tag", "team"], CANARY, 2],
  ["create --tag twice", ["create", "app/x", "--tag", "a=1", "--tag", "a=2"], CANARY, 2],
  ["create with a name AWS refuses", ["create", "app x"], CANARY, 2],
  ["list with an argument", ["list", "prod"], "", 2],
  ["list --filter with an unknown key", ["list", "--filter", "colour=red"], "", 2],
  ["list --filter without =", ["list", "--filter", "name"], "", 2],
  ["list --sort-order sideways", ["list", "--sort-order", "sideways"], "", 2],
  ["describe without an id", ["describe"], "", 2],
  ["delete --recovery-window-days 3", ["delete", "api/key", "--recovery-window-days", "3"], "", 2],
  ["delete --recovery-window-days x", ["delete", "api/key", "--recovery-window-days", "x"], "", 2],
  [
    "delete with both a window and no recovery",
    ["delete", "api/key", "--recovery-window-days", "7", "--force-delete-without-recovery"],
    "",
    2,
  ],
  [
    "rotate with two schedules",
    ["rotate", "api/key", "--after-days", "7", "--schedule-expression", "rate(7 days)"],
    "",
    2,
  ],
  ["rotate --duration without a schedule", ["rotate", "api/key", "--duration", "3h"], "", 2],
  ["rotate --after-days 0", ["rotate", "api/key", "--after-days", "0"], "", 2],
  ["random-password --length 0", ["random-password", "--length", "0"], "", 2],
  ["random-password --length 5000", ["random-password", "--length", "5000"], "", 2],
  ["random-password with an argument", ["random-password", "32"], "", 2],
  ["put-parameter --type Bogus", ["put-parameter", "/a", "--type", "Bogus"], CANARY, 2],
  ["put-parameter --kms-key-id for a String", ["put-parameter", "/a", "--kms-key-id", "alias/k"], CANARY, 2],
  ["put-parameter --tier Huge", ["put-parameter", "/a", "--tier", "Huge"], CANARY, 2],
  ["put-parameter over 4 KiB in Standard", ["put-parameter", "/a"], CANARY.repeat(200), 2],
  ["put-parameter over 8 KiB", ["put-parameter", "/a", "--tier", "Advanced"], CANARY.repeat(400), 2],
  ["put-parameter --binary", ["put-parameter", "/a", "--binary"], CANARY, 2],
];

describe("refused input: exit 2 for a bad flag or value, 22 for one that cannot be read, never the value", () => {
  it.each(REFUSED)("%s", async (_, args, input, code) => {
    const result = await runCli(args, input);

    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).not.toContain(CANARY);
    expect(result.stderr.split("\n").some((line) => line.includes(CANARY.slice(0, 12)))).toBe(false);
    if (code === 2) expect(result.stderr).toContain("--help");
    if (code === EXIT_CODES.CONFIG) expect(result.stderr).toMatch(/^secretwrangler: CONFIG: /);
    expect(fileContent()).toEqual(INITIAL);
  });
});

function sink(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      write(String(chunk));
      done();
    },
  });
}

describe("stdin that is a terminal", () => {
  it("is refused before anything is read, with what to do instead", async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    let stderr = "";

    const code = await main(["put", "api/key", "--transport", `file:${secretsFile}`], {
      stdout: sink(() => undefined),
      stderr: sink((text) => (stderr += text)),
      stdin,
    });

    expect(code).toBe(2);
    expect(stderr).toContain("stdin, which is a terminal");
    expect(stderr).toContain("--file");
    expect(fileContent()).toEqual(INITIAL);
  });
});

describe("through the sdk transport, against the loopback fakes", () => {
  const fixtures: Record<string, FixtureVersion[]> = {
    "app/text": [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: "old" }],
  };
  let secretsManager: AwsJsonServer;
  let ssm: AwsJsonServer;
  const sdk = () => ["--transport", "sdk", "--endpoint", secretsManager.endpoint, "--region", "us-east-1"];
  const awsEnv = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };

  beforeAll(async () => {
    secretsManager = await startFakeSecretsManager(fixtures as Fixtures);
    addSecretsManagerWrites(secretsManager, fixtures as Fixtures);
    const parameters = { "/app/flag": stringParameter("off") };
    ssm = await startFakeSsm(parameters);
    addSsmWrites(ssm, parameters);
  });

  afterAll(async () => {
    await secretsManager.close();
    await ssm.close();
  });

  it("puts a value (PutSecretValue) that get then reads, the old one becoming AWSPREVIOUS", async () => {
    const put = await runCli(["put", "app/text", ...sdk(), "--json"], `new-${CANARY}\n`, awsEnv);
    const current = await runCli(["get", "app/text", ...sdk()], "", awsEnv);
    const previous = await runCli(["get", "app/text", ...sdk(), "--version-stage", "AWSPREVIOUS"], "", awsEnv);

    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.stdout.toString())).toMatchObject({ name: "app/text", versionStages: ["AWSCURRENT"] });
    expect(current.stdout.toString()).toBe(`new-${CANARY}`);
    expect(previous.stdout.toString()).toBe("old");
    expect(secretsManager.calls("PutSecretValue")[0]?.body).toMatchObject({
      SecretId: "app/text",
      SecretString: `new-${CANARY}`,
    });
  });

  it("sends --binary as SecretBinary, which get writes back as the same bytes", async () => {
    const bytes = Uint8Array.from([0, 1, 2, 10, 255, ...Buffer.from(CANARY)]);

    const put = await runCli(["put", "app/text", ...sdk(), "--binary"], bytes, awsEnv);
    const get = await runCli(["get", "app/text", ...sdk()], "", awsEnv);

    expect(put.code, put.stderr).toBe(0);
    expect(new Uint8Array(get.stdout)).toEqual(bytes);
  });

  it("describes a secret (DescribeSecret) with its versions", async () => {
    const result = await runCli(["describe", "app/text", ...sdk(), "--json"], "", awsEnv);

    expect(result.code, result.stderr).toBe(0);
    const description = JSON.parse(result.stdout.toString());
    expect(description).toMatchObject({ name: "app/text", rotationEnabled: false });
    expect(description.lastChangedDate).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("prints a password from GetRandomPassword with the options asked for", async () => {
    const result = await runCli(
      ["random-password", ...sdk(), "--length", "20", "--exclude-punctuation", "--exclude-numbers"],
      "",
      awsEnv,
    );
    const json = await runCli(["random-password", ...sdk(), "--json"], "", awsEnv);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.toString()).toMatch(/^[A-Za-z]{20}$/);
    expect(JSON.parse(json.stdout.toString()).password).toHaveLength(32);
    expect(secretsManager.calls("GetRandomPassword")[0]?.body).toMatchObject({
      PasswordLength: 20,
      ExcludePunctuation: true,
      ExcludeNumbers: true,
    });
  });

  it("rotates with the schedule asked for (RotateSecret): now, or only later with --no-rotate-immediately", async () => {
    const lambda = "arn:aws:lambda:us-east-1:123456789012:function:rotate";
    const later = ["--schedule-expression", "rate(10 days)", "--duration", "3h", "--no-rotate-immediately"];

    const scheduled = await runCli(
      ["rotate", "app/text", ...sdk(), "--rotation-lambda-arn", lambda, ...later, "--json"],
      "",
      awsEnv,
    );
    const now = await runCli(["rotate", "app/text", ...sdk(), "--after-days", "7", "--json"], "", awsEnv);
    const described = await runCli(["describe", "app/text", ...sdk()], "", awsEnv);

    expect(scheduled.code, scheduled.stderr).toBe(0);
    expect(JSON.parse(scheduled.stdout.toString())).toEqual({ name: "app/text", arn: fakeArn("app/text") });
    expect(secretsManager.calls("RotateSecret")[0]?.body).toMatchObject({
      SecretId: "app/text",
      RotationLambdaARN: lambda,
      RotationRules: { ScheduleExpression: "rate(10 days)", Duration: "3h" },
      RotateImmediately: false,
    });
    expect(now.code, now.stderr).toBe(0);
    expect(JSON.parse(now.stdout.toString()).versionId).toEqual(expect.any(String));
    expect(secretsManager.calls("RotateSecret")[1]?.body).toMatchObject({
      RotationRules: { AutomaticallyAfterDays: 7 },
    });
    expect(described.stdout.toString()).toMatch(/^rotation: +on$/m);
  });

  it("creates, lists, deletes with a recovery window and restores a secret", async () => {
    const created = await runCli(
      ["create", "app/made", ...sdk(), "--tag", "team=core", "--json"],
      `made-${CANARY}`,
      awsEnv,
    );
    const listed = await runCli(["list", ...sdk(), "--filter", "tag-key=team"], "", awsEnv);
    const deleted = await runCli(["delete", "app/made", ...sdk(), "--recovery-window-days", "7", "--json"], "", awsEnv);
    const whileDeleted = await runCli(["list", ...sdk(), "--filter", "name=app/made"], "", awsEnv);
    const planned = await runCli(
      ["list", ...sdk(), "--filter", "name=app/made", "--include-planned-deletion", "--json"],
      "",
      awsEnv,
    );
    const restored = await runCli(["restore", "app/made", ...sdk()], "", awsEnv);
    const read = await runCli(["get", "app/made", ...sdk()], "", awsEnv);

    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout.toString())).toMatchObject({ name: "app/made", arn: fakeArn("app/made") });
    expect(secretsManager.calls("CreateSecret")[0]?.body).toMatchObject({
      Name: "app/made",
      Tags: [{ Key: "team", Value: "core" }],
    });
    expect(listed.stdout.toString()).toBe("app/made\n");
    const deletion = JSON.parse(deleted.stdout.toString());
    expect(Date.parse(deletion.deletionDate) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    expect(whileDeleted.stdout.toString()).toBe("");
    expect(JSON.parse(planned.stdout.toString())).toMatchObject({ name: "app/made", deletedDate: expect.any(String) });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout.toString()).toBe("");
    expect(read.stdout.toString()).toBe(`made-${CANARY}`);
  });

  it("writes a parameter (PutParameter) that get-parameter then reads", async () => {
    const ssmFlags = ["--transport", "sdk", "--endpoint", ssm.endpoint, "--region", "us-east-1"];

    const put = await runCli(["put-parameter", "/app/flag", ...ssmFlags, "--overwrite", "--json"], "on\n", awsEnv);
    const get = await runCli(["get-parameter", "/app/flag", ...ssmFlags], "", awsEnv);

    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.stdout.toString())).toMatchObject({ version: 2 });
    expect(get.stdout.toString()).toBe("on");
  });
});

describe("help", () => {
  it.each(["put", "create", "list", "describe", "delete", "restore", "rotate", "random-password", "put-parameter"])(
    "%s --help",
    async (command) => {
      const result = await runCli([command, "--help"]);

      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toContain(`Usage: secretwrangler ${command}`);
    },
  );
});
