/**
 * The mount transport: a directory laid out as the Secrets Store CSI driver with the AWS provider
 * (ASCP) lays it out, written the way the Kubernetes atomic writer writes it (`..data` ->
 * timestamped directory, swapped with one rename). The shared contract, ASCP's file naming
 * (pathTranslation, ARNs, jmesPath aliases), explicit mappings, the environment's failures as
 * `CONFIG`, bad options as `ArgumentError`, and no secret value in any error. The swap load is in
 * test/mount-swap.test.ts.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ArgumentError, createSecretsClient, isSecretsError } from "../src/index.js";
import { parseTransportSpec } from "../src/transports/spec.js";
import { type MountTransportOptions, mountTransport, resolveTransport } from "../src/transports.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { BINARY_VALUE, currentValues } from "./helpers/fixtures.js";
import { testTransport } from "./helpers/transport-contract.js";

const root = mkdtempSync(join(tmpdir(), "secretwrangler-mount-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let volumes = 0;
/** A new empty directory for one volume. */
function volumeDir(): string {
  const dir = join(root, `volume-${++volumes}`);
  mkdirSync(dir);
  return dir;
}

let swaps = 0;
/**
 * Writes `payload` into `target` as the Kubernetes atomic writer does (AtomicWriter.Write in
 * kubernetes-sigs/secrets-store-csi-driver pkg/util/fileutil/atomic_writer.go): a new timestamped
 * directory with every file, a visible symlink `<first segment> -> ..data/<first segment>` per
 * entry, `..data_tmp` -> the new directory renamed over `..data`, then the old directory removed.
 */
async function atomicWrite(target: string, payload: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  const dataLink = join(target, "..data");
  const old = await readlink(dataLink).catch(() => undefined);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-T:]/g, "_");
  const tsName = `..${stamp}.${String(++swaps).padStart(9, "0")}`;
  const tsDir = join(target, tsName);
  await mkdir(tsDir, { mode: 0o755 });
  for (const [path, data] of Object.entries(payload)) {
    await mkdir(dirname(join(tsDir, path)), { recursive: true });
    await writeFile(join(tsDir, path), data, { mode: 0o644 });
  }
  for (const path of Object.keys(payload)) {
    const first = path.split("/")[0] as string;
    await symlink(join("..data", first), join(target, first)).catch((error: { code?: string }) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
  await symlink(tsName, join(target, "..data_tmp"));
  await rename(join(target, "..data_tmp"), dataLink);
  if (old !== undefined) await rm(join(target, old), { recursive: true, force: true });
}

/** A plain directory, as ASCP writes it when the driver does not (one file, temp file + rename). */
function plainWrite(target: string, payload: Readonly<Record<string, string | Uint8Array>>): void {
  for (const [path, data] of Object.entries(payload)) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), data);
  }
}

/** The fixtures under the file names ASCP gives `objectName: <name>` with the default `_`. */
function ascpPayload(values: Record<string, string | Uint8Array>): Record<string, string | Uint8Array> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name.replaceAll("/", "_"), value]));
}

testTransport({
  name: "mount",
  skip: ["versions", "writes"],
  async setup(fixtures) {
    const dir = volumeDir();
    await atomicWrite(dir, ascpPayload(currentValues(fixtures)));
    const transport = mountTransport({ dir });
    return { transport, cleanup: () => transport.close() };
  },
});

testTransport({
  name: "mount (a plain directory, written by ASCP itself)",
  skip: ["versions", "writes"],
  async setup(fixtures) {
    const dir = volumeDir();
    plainWrite(dir, ascpPayload(currentValues(fixtures)));
    return { transport: mountTransport({ dir }) };
  },
});

describe("mountTransport: ASCP's file names", () => {
  const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";

  it("reads a name with slashes from the file with each / replaced by _, leading ones too", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { prod_db: `db-${CANARY}`, _app_prod_key: `key-${CANARY}` });
    const secrets = createSecretsClient({ transport: mountTransport({ dir }) });

    expect(await secrets.getSecret("prod/db")).toBe(`db-${CANARY}`);
    expect(await secrets.getSecret("/app/prod/key")).toBe(`key-${CANARY}`);
  });

  it("follows pathTranslation: another character, or false for sub-directories", async () => {
    const dashed = volumeDir();
    await atomicWrite(dashed, { "prod-db": "dashed" });
    const nested = volumeDir();
    await atomicWrite(nested, { "prod/db": "nested", "app/prod/key": "stripped" });

    expect(
      await createSecretsClient({ transport: mountTransport({ dir: dashed, pathTranslation: "-" }) }).getSecret(
        "prod/db",
      ),
    ).toBe("dashed");
    const secrets = createSecretsClient({ transport: mountTransport({ dir: nested, pathTranslation: false }) });
    expect(await secrets.getSecret("prod/db")).toBe("nested");
    expect(await secrets.getSecret("/app/prod/key")).toBe("stripped");
    expect(
      await createSecretsClient({ transport: mountTransport({ dir: nested, pathTranslation: "False" }) }).getSecret(
        "prod/db",
      ),
    ).toBe("nested");
  });

  it("finds a full ARN in the file ASCP names after that ARN (objectName: <arn>)", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { [arn.replaceAll("/", "_")]: "by-arn", prod_db: "by-name" });

    const value = await mountTransport({ dir }).getSecretValue({ id: arn });

    expect(value).toEqual({ name: "prod/db", secretString: "by-arn" });
  });

  it("finds a full ARN in the file named after the secret's name, with or without its suffix", async () => {
    const byName = volumeDir();
    await atomicWrite(byName, { prod_db: "by-name" });
    const bySuffixedName = volumeDir();
    await atomicWrite(bySuffixedName, { "prod_db-AbCdEf": "by-suffixed-name" });
    const partial = volumeDir();
    await atomicWrite(partial, { prod_db: "partial" });

    expect((await mountTransport({ dir: byName }).getSecretValue({ id: arn })).secretString).toBe("by-name");
    expect((await mountTransport({ dir: bySuffixedName }).getSecretValue({ id: arn })).secretString).toBe(
      "by-suffixed-name",
    );
    const partialArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db";
    expect((await mountTransport({ dir: partial }).getSecretValue({ id: partialArn })).secretString).toBe("partial");
  });

  it("reads each jmesPath extraction as its own id, its objectAlias, next to the whole secret", async () => {
    const dir = volumeDir();
    const json = JSON.stringify({ username: "app", password: CANARY });
    await atomicWrite(dir, { prod_db: json, dbUsername: "app", dbPassword: CANARY });
    const secrets = createSecretsClient({ transport: mountTransport({ dir }) });

    expect(await secrets.getSecretJson("prod/db")).toEqual({ username: "app", password: CANARY });
    expect(await secrets.getSecret("dbUsername")).toBe("app");
    expect(await secrets.getSecret("dbPassword")).toBe(CANARY);
  });

  it("maps ids to files with `files`, also for the ARN of a mapped name, and only there", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { "db-creds": "mapped", dbPassword: CANARY, prod_db: "unmapped" });
    const transport = mountTransport({
      dir,
      files: { "prod/db": "db-creds", "prod/db/password": "dbPassword", gone: "x" },
    });
    const secrets = createSecretsClient({ transport });

    expect(await secrets.getSecret("prod/db")).toBe("mapped");
    expect(await secrets.getSecret(arn)).toBe("mapped");
    expect(await secrets.getSecret("prod/db/password")).toBe(CANARY);
    const error = await rejectionOf(secrets.getSecret("gone"));
    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect((error as Error).message).toContain('no file "x" in');
  });

  it("reads a Kubernetes Secret volume (one file per key) through `files`", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { username: "app", password: CANARY });
    const transport = mountTransport({
      dir,
      files: { "prod/db/username": "username", "prod/db/password": "password" },
    });

    const results = await transport.batchGetSecretValue(["prod/db/username", "prod/db/password"]);

    expect(results.map((result) => result.ok && result.value.secretString)).toEqual(["app", CANARY]);
  });

  it("tells text from binary by the bytes, unless the mapping says which", async () => {
    const dir = volumeDir();
    const utf8Bytes = Buffer.from("bytes that happen to be UTF-8");
    await atomicWrite(dir, {
      bin: BINARY_VALUE,
      nul: Buffer.from("a\0b"),
      utf8: utf8Bytes,
      latin: Buffer.from([0xe9]),
    });
    const transport = mountTransport({
      dir,
      files: {
        key: { file: "utf8", type: "binary" },
        latin: { file: "latin", type: "text" },
        asText: { file: "utf8" },
      },
    });
    const secrets = createSecretsClient({ transport });

    expect(await secrets.getSecretBinary("bin")).toEqual(BINARY_VALUE);
    expect(await secrets.getSecretBinary("nul")).toEqual(Uint8Array.from(Buffer.from("a\0b")));
    expect(await secrets.getSecretBinary("key")).toEqual(Uint8Array.from(utf8Bytes));
    expect(await secrets.getSecret("asText")).toBe("bytes that happen to be UTF-8");
    const error = await rejectionOf(secrets.getSecret("latin"));
    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain("is not valid UTF-8 text");
  });

  it("keeps reads inside the volume: .. segments and the atomic writer's own entries are no files", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { inside: "ok" });
    writeFileSync(join(dir, "..", "outside"), CANARY);
    const transport = mountTransport({ dir, pathTranslation: false });

    for (const id of ["../outside", "..data", "..data/inside", "./inside", "a//b", "x/../inside"]) {
      const error = await rejectionOf(transport.getSecretValue({ id }));
      expect(isSecretsError(error, "NOT_FOUND"), id).toBe(true);
      expectNoLeak(error);
    }
    // With the default "_", "../outside" is the file ".._outside", which the atomic writer reserves.
    expect(
      isSecretsError(await rejectionOf(mountTransport({ dir }).getSecretValue({ id: "../outside" })), "NOT_FOUND"),
    ).toBe(true);
  });

  it("reports a record without version metadata: the volume has none", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { prod_db: "v" });

    const record = await mountTransport({ dir }).getSecretValue({ id: "prod/db", versionStage: "AWSCURRENT" });

    expect(record).toEqual({ name: "prod/db", secretString: "v" });
  });
});

describe("mountTransport: what the environment gets wrong is CONFIG, a missing file NOT_FOUND", () => {
  async function failure(options: MountTransportOptions, id: string): Promise<Error & { code?: string }> {
    const error = (await rejectionOf(mountTransport(options).getSecretValue({ id }))) as Error & { code?: string };
    expectNoLeak(error);
    return error;
  }

  it("NOT_FOUND for a missing file, naming the id, the file and the directory", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { other: CANARY });

    const error = await failure({ dir }, "prod/db");

    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect(error.message).toContain('"prod/db"');
    expect(error.message).toContain(`no file "prod_db" in "${dir}"`);
  });

  it("NOT_FOUND for an ARN names every file it looked for", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { other: CANARY });

    const error = await failure({ dir }, "arn:aws:secretsmanager:us-east-1:123456789012:secret:a/b-AbCdEf");

    expect(error.message).toContain(
      'no file "arn:aws:secretsmanager:us-east-1:123456789012:secret:a_b-AbCdEf", "a_b" or "a_b-AbCdEf"',
    );
  });

  it("CONFIG for a missing directory, and for a file where the directory should be", async () => {
    const missing = await failure({ dir: join(root, "no-such-volume") }, "prod/db");
    const file = join(root, "a-file");
    writeFileSync(file, CANARY);
    const notDir = await failure({ dir: file }, "prod/db");

    expect(isSecretsError(missing, "CONFIG")).toBe(true);
    expect(missing.message).toContain(`the volume "${join(root, "no-such-volume")}" does not exist`);
    expect(isSecretsError(notDir, "CONFIG")).toBe(true);
    expect(notDir.message).toContain("is not a directory");
  });

  it("CONFIG for a directory where a file should be", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { "prod_db/inner": CANARY });

    const error = await failure({ dir }, "prod/db");

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect(error.message).toContain(`"${join(dir, "prod_db")}" is a directory, not a regular file`);
  });

  it("CONFIG for a FIFO, at once (it is never waited on)", async () => {
    const dir = volumeDir();
    execFileSync("mkfifo", [join(dir, "prod_db")]);
    const started = performance.now();

    const error = await failure({ dir }, "prod/db");

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect(error.message).toContain("is a FIFO, not a regular file");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("CONFIG for a file over the size cap (64 KiB by default, or maxBytes), reading up to it", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, {
      big: CANARY.repeat(Math.ceil((64 * 1024 + 1) / CANARY.length)).slice(0, 64 * 1024 + 1),
      max: "x".repeat(64 * 1024),
      ten: `${CANARY}`.slice(0, 10),
    });

    const big = await failure({ dir }, "big");
    const small = await failure({ dir, maxBytes: 9 }, "ten");

    expect(isSecretsError(big, "CONFIG")).toBe(true);
    expect(big.message).toContain("is larger than the limit of 64 KiB (65536 bytes)");
    expect(isSecretsError(small, "CONFIG")).toBe(true);
    expect((await mountTransport({ dir }).getSecretValue({ id: "max" })).secretString).toHaveLength(64 * 1024);
    expect((await mountTransport({ dir, maxBytes: 10 }).getSecretValue({ id: "ten" })).secretString).toHaveLength(10);
  });

  it("CONFIG for a file it may not read (permission denied)", async () => {
    const dir = volumeDir();
    chmodSync(dir, 0o755);
    chmodSync(root, 0o755);
    writeFileSync(join(dir, "prod_db"), CANARY, { mode: 0o600 });
    chmodSync(join(dir, "prod_db"), 0o000);
    let outcome: { code?: string; message?: string; exposed?: string };
    if (process.getuid?.() === 0) {
      // root reads any file: the read runs in a child without privileges.
      const child = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "--input-type=module",
          "-e",
          `const { mountTransport } = await import(${JSON.stringify(resolve("src/transports.ts"))});
           const { exposedText } = await import(${JSON.stringify(resolve("test/helpers/canary.ts"))});
           try { await mountTransport({ dir: ${JSON.stringify(dir)} }).getSecretValue({ id: "prod/db" }); console.log("{}"); }
           catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message, exposed: exposedText(error) })); }`,
        ],
        { uid: 65534, gid: 65534, encoding: "utf8", timeout: 60_000, env: { ...process.env, HOME: root } },
      );
      outcome = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}");
    } else {
      const error = (await rejectionOf(mountTransport({ dir }).getSecretValue({ id: "prod/db" }))) as Error & {
        code?: string;
      };
      outcome = { code: error.code, message: error.message, exposed: String(error.stack) };
    }

    expect(outcome.code).toBe("CONFIG");
    expect(outcome.message).toContain(`"${join(dir, "prod_db")}": cannot open it (EACCES)`);
    expect(outcome.exposed).not.toContain(CANARY.slice(0, 8));
  });

  it("escapes control characters of the id and the path in messages", async () => {
    const dir = join(root, "evil\u001b[31m\ndir");
    mkdirSync(dir);
    await atomicWrite(dir, { other: CANARY });

    const error = await failure({ dir }, "bad\r\nid");

    expect(error.message).toContain('"bad\\x0D\\x0Aid"');
    expect(error.message).toContain("evil\\x1B[31m\\x0Adir");
    for (const control of ["\r", "\n", "\u001b"]) expect(error.message).not.toContain(control);
  });

  it("refuses a version id or stage other than AWSCURRENT as CONFIG: a volume holds one version", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { prod_db: CANARY });
    const transport = mountTransport({ dir });

    const byStage = await rejectionOf(transport.getSecretValue({ id: "prod/db", versionStage: "AWSPREVIOUS" }));
    const byId = await rejectionOf(transport.getSecretValue({ id: "prod/db", versionId: "1" }));

    expect(isSecretsError(byStage, "CONFIG")).toBe(true);
    expect(isSecretsError(byId, "CONFIG")).toBe(true);
    expectNoLeak(byStage);
  });

  it("gives each id of a batch its own result, and a broken volume's error to every id, naming it", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { a: "1", "c/x": CANARY });
    const results = await mountTransport({ dir }).batchGetSecretValue(["a", "b", "c"]);
    const broken = await mountTransport({ dir: join(root, "nowhere") }).batchGetSecretValue(["a", "b"]);

    expect(results.map((result) => (result.ok ? result.value.secretString : result.error.code))).toEqual([
      "1",
      "NOT_FOUND",
      "CONFIG",
    ]);
    expect(broken.map((result) => !result.ok && [result.error.code, result.error.secretId])).toEqual([
      ["CONFIG", "a"],
      ["CONFIG", "b"],
    ]);
    for (const result of [...results, ...broken]) expectNoLeak(result);
  });

  it("gives up on an aborted read with ABORTED", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { a: "1" });
    const controller = new AbortController();
    controller.abort();

    const error = await rejectionOf(mountTransport({ dir }).getSecretValue({ id: "a", signal: controller.signal }));

    expect(isSecretsError(error, "ABORTED")).toBe(true);
  });
});

describe("mountTransport: a bad option or argument is an ArgumentError", () => {
  const dir = root;
  const bad: [string, unknown][] = [
    ["no options", undefined],
    ["options null", null],
    ["options an array", []],
    ["dir missing", {}],
    ["dir empty", { dir: "" }],
    ["dir a number", { dir: 42 }],
    ["dir with NUL", { dir: "a\0b" }],
    ["files an array", { dir, files: [] }],
    ["files null", { dir, files: null }],
    ["files entry a number", { dir, files: { a: 1 } }],
    ["files entry null", { dir, files: { a: null } }],
    ["files entry without file", { dir, files: { a: { type: "text" } } }],
    ["files absolute", { dir, files: { a: "/etc/passwd" } }],
    ["files with ..", { dir, files: { a: "../x" } }],
    ["files ..data", { dir, files: { a: "..data/x" } }],
    ["files empty", { dir, files: { a: "" } }],
    ["files empty id", { dir, files: { "": "x" } }],
    ["files bad type", { dir, files: { a: { file: "x", type: "utf16" } } }],
    ["files segment too long", { dir, files: { a: "x".repeat(256) } }],
    ["pathTranslation empty", { dir, pathTranslation: "" }],
    ["pathTranslation two characters", { dir, pathTranslation: "__" }],
    ["pathTranslation a slash", { dir, pathTranslation: "/" }],
    ["pathTranslation not ASCII", { dir, pathTranslation: "é" }],
    ["pathTranslation true", { dir, pathTranslation: true }],
    ["pathTranslation a number", { dir, pathTranslation: 1 }],
    ["maxBytes 0", { dir, maxBytes: 0 }],
    ["maxBytes negative", { dir, maxBytes: -1 }],
    ["maxBytes fractional", { dir, maxBytes: 1.5 }],
    ["maxBytes over 1 MiB", { dir, maxBytes: 1024 * 1024 + 1 }],
    ["maxBytes a string", { dir, maxBytes: "65536" }],
    ["maxBytes NaN", { dir, maxBytes: Number.NaN }],
    ["pollIntervalMs 0", { dir, pollIntervalMs: 0 }],
    ["pollIntervalMs under 10", { dir, pollIntervalMs: 9 }],
    ["pollIntervalMs fractional", { dir, pollIntervalMs: 10.5 }],
    ["pollIntervalMs over an hour", { dir, pollIntervalMs: 3_600_001 }],
    ["pollIntervalMs Infinity", { dir, pollIntervalMs: Number.POSITIVE_INFINITY }],
    ["pollIntervalMs a string", { dir, pollIntervalMs: "1000" }],
    ["watch a string", { dir, watch: "yes" }],
    ["watch a number", { dir, watch: 1 }],
  ];

  it.each(bad)("refuses %s", (_, options) => {
    expect(() => mountTransport(options as MountTransportOptions)).toThrow(ArgumentError);
  });

  it("accepts the bounds", () => {
    for (const options of [
      { dir, maxBytes: 1, pollIntervalMs: 10, watch: false, pathTranslation: false },
      { dir, maxBytes: 1024 * 1024, pollIntervalMs: 3_600_000, watch: true, pathTranslation: "-" },
    ] as const) {
      expect(mountTransport(options).name).toBe("mount");
    }
  });

  it("refuses a bad id, batch or listener", async () => {
    const transport = mountTransport({ dir });

    await expect(transport.getSecretValue({ id: "" })).rejects.toThrow(ArgumentError);
    await expect(transport.getSecretValue({ id: 42 as unknown as string })).rejects.toThrow(ArgumentError);
    await expect(transport.batchGetSecretValue("a" as unknown as string[])).rejects.toThrow(ArgumentError);
    await expect(transport.batchGetSecretValue(["a", ""])).rejects.toThrow(ArgumentError);
    expect(() => transport.watchChanges("x" as unknown as () => void)).toThrow(ArgumentError);
  });

  it("names the option, the id and the file name in the message", () => {
    expect(() => mountTransport({ dir, files: { "prod/db": "/etc/db" } })).toThrow(
      'mountTransport: "files" entry "prod/db": the file name "/etc/db" cannot name a file of the volume: it is absolute',
    );
    expect(() => mountTransport({ dir, maxBytes: 0 })).toThrow('"maxBytes" must be an integer from 1 to 1048576');
  });
});

describe("mount:<dir> spec", () => {
  it("parses and builds mount:<dir>", () => {
    expect(parseTransportSpec("mount:/mnt/secrets-store", "option")).toMatchObject({
      name: "mount",
      argument: "/mnt/secrets-store",
    });
    expect(resolveTransport("mount:/mnt/secrets-store").name).toBe("mount");
  });

  it("refuses mount without a directory", () => {
    expect(() => parseTransportSpec("mount:", "option")).toThrow(ArgumentError);
    expect(() => parseTransportSpec("mount", "flag")).toThrow(ArgumentError);
    expect(
      isSecretsError(
        rejectionOfSync(() => parseTransportSpec("mount:", "env")),
        "CONFIG",
      ),
    ).toBe(true);
  });

  it("reads through a client built from the spec", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, { prod_db: "from-spec" });

    const secrets = createSecretsClient({ transport: `mount:${dir}` });

    expect(await secrets.getSecret("prod/db")).toBe("from-spec");
    await secrets.close();
  });
});

function rejectionOfSync(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("mountTransport: symlinks as the atomic writer leaves them", () => {
  it("reads a dangling visible symlink (no ..data yet) as NOT_FOUND", async () => {
    const dir = volumeDir();
    symlinkSync("..data/prod_db", join(dir, "prod_db"));

    const error = await rejectionOf(mountTransport({ dir }).getSecretValue({ id: "prod/db" }));

    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
  });
});
