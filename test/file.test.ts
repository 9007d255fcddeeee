import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSecretsClient, fileTransport, isSecretsError } from "../src/index.js";
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
