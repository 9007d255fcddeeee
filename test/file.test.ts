import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ArgumentError, createSecretsClient, fileTransport, isSecretsError } from "../src/index.js";
import type { FileTransportOptions } from "../src/transports/file.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { currentValues } from "./helpers/fixtures.js";
import { testTransport } from "./helpers/transport-contract.js";

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-file-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writeSecrets(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

testTransport({
  name: "file",
  skip: ["versions", "binary"],
  async setup(fixtures) {
    const secrets = Object.fromEntries(
      Object.entries(currentValues(fixtures)).filter(([, value]) => typeof value === "string"),
    );
    return { transport: fileTransport(writeSecrets("contract.json", JSON.stringify({ secrets }))) };
  },
});

describe("fileTransport", () => {
  it("serves JSON values as JSON secrets", async () => {
    const path = writeSecrets("objects.json", JSON.stringify({ secrets: { "prod/db": { port: 5432 } } }));
    const secrets = createSecretsClient({ transport: fileTransport(path) });

    expect(await secrets.getSecretJson("prod/db")).toEqual({ port: 5432 });
  });

  it("picks up edits to the file without a restart", async () => {
    const path = writeSecrets("edited.json", JSON.stringify({ secrets: { key: "one" } }));
    const secrets = createSecretsClient({ transport: fileTransport(path) });
    expect(await secrets.getSecret("key")).toBe("one");

    writeFileSync(path, JSON.stringify({ secrets: { key: "two" } }));
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));

    expect(await secrets.getSecret("key")).toBe("two");
  });

  it("throws CONFIG for a missing file, naming the path", async () => {
    const secrets = createSecretsClient({ transport: fileTransport(join(directory, "absent.json")) });

    const error = await rejectionOf(secrets.getSecret("key"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain("absent.json");
  });

  it("throws CONFIG for a broken file without quoting its content", async () => {
    const path = writeSecrets("broken.json", `{"secrets": {"key": "${CANARY}"`);
    const secrets = createSecretsClient({ transport: fileTransport(path) });

    const error = await rejectionOf(secrets.getSecret("key"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expectNoLeak(error);
  });

  it("rejects unknown top-level keys, so a flat file is not silently empty", async () => {
    const path = writeSecrets("flat.json", JSON.stringify({ key: CANARY }));
    const secrets = createSecretsClient({ transport: fileTransport(path) });

    const error = await rejectionOf(secrets.getSecret("key"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain('"key"');
    expectNoLeak(error);
  });
});

describe("fileTransport arguments", () => {
  /** Bad values of every option; the mapped type makes a new option without an entry a type error. */
  const BAD_OPTIONS: { readonly [K in keyof Required<FileTransportOptions>]: readonly unknown[] } = {
    maxBytes: [0, -1, 1.5, "1024", Number.NaN, 256 * 1024 * 1024 + 1, null],
  };
  const cases = Object.entries(BAD_OPTIONS).flatMap(([name, values]) => values.map((value) => [name, value] as const));

  it.each(cases)("refuses %s = %o as an ArgumentError naming the option", (name, value) => {
    const error = thrownBy(() => fileTransport(join(directory, "any.json"), { [name]: value }));

    expect(error).toBeInstanceOf(ArgumentError);
    expect(isSecretsError(error)).toBe(false);
    expect((error as Error).message).toContain(`"${name}"`);
  });

  it.each([[5], [""], ["a\u0000b"], [undefined]])("refuses the path %o as an ArgumentError", (path) => {
    expect(thrownBy(() => fileTransport(path as string))).toBeInstanceOf(ArgumentError);
  });

  it.each([
    ["null", null],
    ["a string", "big"],
    ["an array", []],
  ])("refuses options that are %s as an ArgumentError", (_label, options) => {
    expect(thrownBy(() => fileTransport("x.json", options as FileTransportOptions))).toBeInstanceOf(ArgumentError);
  });

  it("reports a bad entry in the file as CONFIG, not as the caller's ArgumentError", async () => {
    const path = writeSecrets("bad-entries.json", JSON.stringify({ secrets: { "": CANARY } }));

    const error = await rejectionOf(fileTransport(path).getSecretValue({ id: "x" }));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expectNoLeak(error);
  });
});

function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}
