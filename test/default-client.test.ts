import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  getDefaultClient,
  getSecret,
  getSecretBinary,
  getSecretJson,
  isSecretsError,
  resetDefaultClient,
} from "../src/index.js";
import { resolveTransport } from "../src/transports.js";
import { rejectionOf } from "./helpers/canary.js";

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-default-"));

afterEach(async () => {
  delete process.env.SECRETWRANGLER_TRANSPORT;
  await resetDefaultClient();
});

describe("the default client", () => {
  it("reads through the transport SECRETWRANGLER_TRANSPORT names", async () => {
    const path = join(directory, "secrets.json");
    writeFileSync(path, JSON.stringify({ secrets: { "prod/db": { port: 5432 }, key: "k" } }));
    process.env.SECRETWRANGLER_TRANSPORT = `file:${path}`;

    expect(await getSecretJson("prod/db")).toEqual({ port: 5432 });
    expect(await getSecret("key")).toBe("k");
    expect(getDefaultClient().transport.name).toBe("file");
    expect(isSecretsError(await rejectionOf(getSecretBinary("key")), "WRONG_TYPE")).toBe(true);
  });

  it("is rebuilt from the environment after resetDefaultClient", async () => {
    process.env.SECRETWRANGLER_TRANSPORT = "memory";
    const first = getDefaultClient();

    await resetDefaultClient();
    process.env.SECRETWRANGLER_TRANSPORT = "sdk";

    expect(getDefaultClient()).not.toBe(first);
    expect(getDefaultClient().transport.name).toBe("sdk");
  });

  it("defaults to the sdk transport", () => {
    expect(resolveTransport(undefined).name).toBe("sdk");
  });

  it("rejects an unknown transport in SECRETWRANGLER_TRANSPORT as CONFIG, naming the variable", () => {
    process.env.SECRETWRANGLER_TRANSPORT = "carrier-pigeon";
    let caught: unknown;
    try {
      resolveTransport(undefined);
    } catch (error) {
      caught = error;
    }

    expect(isSecretsError(caught, "CONFIG")).toBe(true);
    expect((caught as Error).message).toContain("carrier-pigeon");
    expect((caught as Error).message).toContain("SECRETWRANGLER_TRANSPORT");
  });
});

process.on("exit", () => rmSync(directory, { recursive: true, force: true }));
