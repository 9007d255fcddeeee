/**
 * Testing code that reads secrets, with vitest and no AWS: a memory transport, a rotation with
 * `set()`, the cache under a test clock, a failing backend, and the quick functions pointed at a
 * file. docs/testing.md includes its regions; test/examples.test.ts runs it:
 *
 *   npx vitest run test/examples.test.ts
 */
import { fileURLToPath } from "node:url";
import {
  createSecretsClient,
  getSecret,
  isSecretsError,
  memoryTransport,
  resetDefaultClient,
  type SecretsClient,
  SecretsError,
} from "secretwrangler";
import { TRANSPORT_ENV } from "secretwrangler/transports";
import { afterEach, describe, expect, it } from "vitest";

// #region code-under-test
/** The code under test (in your app, not in the test file) takes a client, so a test can hand it one. */
async function databaseUrl(secrets: SecretsClient): Promise<string> {
  const db = await secrets.getSecretJson<{ host: string; username: string }>("prod/db");
  return `postgresql://${db.username}@${db.host}/app`;
}

const login = { host: "db.test", username: "app" }; // the fields the tests below share
// #endregion

describe("testing with the memory transport", () => {
  // #region memory
  it("builds the URL from the secret", async () => {
    const transport = memoryTransport({ "prod/db": { ...login, password: "pw" } });
    const secrets = createSecretsClient({ transport }); // no cache in front of memory, unless asked for

    expect(await databaseUrl(secrets)).toBe("postgresql://app@db.test/app");
  });
  // #endregion

  // #region rotation
  it("simulates a rotation with set()", async () => {
    const transport = memoryTransport({ "prod/db": { ...login, password: "old" } });
    const secrets = createSecretsClient({ transport });

    transport.set("prod/db", { ...login, password: "new" }); // AWSCURRENT moves, the old one is AWSPREVIOUS
    transport.set("prod/db", { ...login, password: "next" }, { versionStages: ["AWSPENDING"] });

    const read = (versionStage?: string) => secrets.getSecretJson<{ password: string }>("prod/db", { versionStage });
    expect((await read()).password).toBe("new");
    expect((await read("AWSPREVIOUS")).password).toBe("old");
    expect((await read("AWSPENDING")).password).toBe("next");
  });
  // #endregion

  // #region cache
  it("serves the cached value until the TTL passes or the id is invalidated", async () => {
    // The cache under test: asked for explicitly, with a clock the test moves.
    let now = 0;
    const transport = memoryTransport({ "prod/db": { ...login, password: "old" } });
    const secrets = createSecretsClient({ transport, cache: { ttlMs: 60_000, maxStaleMs: 0, clock: () => now } });
    const password = async () => (await secrets.getSecretJson<{ password: string }>("prod/db")).password;
    await password();

    transport.set("prod/db", { ...login, password: "new" });

    expect(await password()).toBe("old"); // cached
    now += 60_001;
    expect(await password()).toBe("new"); // expired: fetched again
    transport.set("prod/db", { ...login, password: "newer" });
    secrets.invalidate("prod/db"); // or secrets.clearCache(), or { forceRefresh: true }
    expect(await password()).toBe("newer");
  });
  // #endregion

  // #region failure
  it("reports an outage as a typed error", async () => {
    const secrets = createSecretsClient({
      transport: {
        name: "down",
        async getSecretValue({ id }) {
          throw new SecretsError({ code: "THROTTLED", operation: "getSecretValue", secretId: id, transport: "down" });
        },
      },
    });

    const error = await databaseUrl(secrets).catch((caught: unknown) => caught);

    expect(isSecretsError(error, "THROTTLED")).toBe(true);
    expect((error as SecretsError).retryable).toBe(true);
  });
  // #endregion
});

// #region default-client
describe("code that uses the quick functions", () => {
  afterEach(async () => {
    delete process.env[TRANSPORT_ENV];
    await resetDefaultClient(); // the next quick call builds a client from the environment again
  });

  it("reads the file SECRETWRANGLER_TRANSPORT names", async () => {
    const file = fileURLToPath(new URL("./secrets.local.json", import.meta.url));
    process.env[TRANSPORT_ENV] = `file:${file}`;

    expect(await getSecret("alpha-vantage/api-key")).toBe("demo-api-key");
  });
});
// #endregion
