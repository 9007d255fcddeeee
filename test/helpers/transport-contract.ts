/**
 * The contract every transport must meet, registered as one vitest suite per transport. Each
 * transport's test file calls {@link testTransport} with a factory that serves the fixtures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretsClient, isSecretsError, type SecretsClient, type Transport } from "../../src/index.js";
import { CANARY, expectNoLeak, rejectionOf } from "./canary.js";
import { BINARY_VALUE, CURRENT_VERSION, FIXTURES, type Fixtures, PREVIOUS_VERSION } from "./fixtures.js";
import { credentialsSchema, leakySchema } from "./schemas.js";

/** Contract groups a backend may not support. */
export type ContractFeature = "versions" | "binary";

/** What a transport's test file provides. */
export interface TransportContractOptions {
  /** Suite name, e.g. `sdk`. */
  readonly name: string;
  /** Builds a transport serving `fixtures`; `cleanup` stops whatever it started. */
  readonly setup: (fixtures: Fixtures) => Promise<{ transport: Transport; cleanup?: () => Promise<void> | void }>;
  /** Groups this backend cannot serve. */
  readonly skip?: readonly ContractFeature[];
  /** Extra, transport-specific tests, registered inside the same suite. */
  readonly additionalTests?: (context: { client: () => SecretsClient }) => void;
}

/** Registers the shared transport contract. */
export function testTransport(options: TransportContractOptions): void {
  const skips = new Set(options.skip ?? []);
  describe(`transport contract: ${options.name}`, () => {
    let client: SecretsClient;
    let cleanup: (() => Promise<void> | void) | undefined;

    beforeAll(async () => {
      const built = await options.setup(FIXTURES);
      cleanup = built.cleanup;
      client = createSecretsClient({ transport: built.transport });
    });

    afterAll(async () => {
      await client?.close();
      await cleanup?.();
    });

    it("reads a string secret", async () => {
      expect(await client.getSecret("app/text")).toBe(`text-${CANARY}`);
    });

    it("parses a JSON secret and validates it with a schema", async () => {
      const value = await client.getSecretJson("app/json", { schema: credentialsSchema });

      expect(value).toEqual({ user: "app", password: CANARY });
    });

    it("returns parsed JSON frozen, so shared values cannot be changed", async () => {
      const value = await client.getSecretJson<{ user: string }>("app/json");

      expect(Object.isFrozen(value)).toBe(true);
    });

    it("returns the secret's metadata with getSecretValue", async () => {
      const value = await client.getSecretValue("app/json");

      expect(value.name).toBe("app/json");
      expect(value.secretString).toContain(CANARY);
    });

    it("throws NOT_FOUND for a missing secret, naming it", async () => {
      const error = await rejectionOf(client.getSecret("app/missing"));

      expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
      expect((error as Error).message).toContain('"app/missing"');
      expect((error as { transport?: string }).transport).toBe(client.transport.name);
    });

    it("throws NOT_JSON without quoting the value", async () => {
      const error = await rejectionOf(client.getSecretJson("app/not-json"));

      expect(isSecretsError(error, "NOT_JSON")).toBe(true);
      expectNoLeak(error);
    });

    it("throws SCHEMA_MISMATCH with paths and messages but no values", async () => {
      const error = await rejectionOf(client.getSecretJson("app/wrong-shape", { schema: credentialsSchema }));

      expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
      expect((error as { issues?: unknown }).issues).toEqual([
        { path: ["user"], message: "expected a string" },
        { path: ["password"], message: "expected a string" },
      ]);
      expectNoLeak(error);
    });

    it("drops whatever else a validator puts in an issue", async () => {
      const error = await rejectionOf(client.getSecretJson("app/json", { schema: leakySchema }));

      expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
      expectNoLeak(error);
    });

    it("reports a missing id per id in a batch without failing the others", async () => {
      const results = await client.getSecretsJson(["app/json", "app/missing", "app/not-json"]);

      expect(results.map((result) => [result.id, result.ok])).toEqual([
        ["app/json", true],
        ["app/missing", false],
        ["app/not-json", false],
      ]);
      const [, missing, notJson] = results;
      expect(missing?.ok === false && missing.error.code).toBe("NOT_FOUND");
      expect(notJson?.ok === false && notJson.error.code).toBe("NOT_JSON");
      expectNoLeak(notJson);
    });

    describe.skipIf(skips.has("binary"))("binary secrets", () => {
      it("reads a binary secret as bytes", async () => {
        expect(await client.getSecretBinary("app/binary")).toEqual(BINARY_VALUE);
      });

      it("throws WRONG_TYPE reading a binary secret as text, without the bytes", async () => {
        const error = await rejectionOf(client.getSecret("app/binary"));

        expect(isSecretsError(error, "WRONG_TYPE")).toBe(true);
        expectNoLeak(error);
      });

      it("throws WRONG_TYPE reading a string secret as binary", async () => {
        const error = await rejectionOf(client.getSecretBinary("app/text"));

        expect(isSecretsError(error, "WRONG_TYPE")).toBe(true);
        expectNoLeak(error);
      });
    });

    describe.skipIf(skips.has("versions"))("versions", () => {
      it("reads AWSCURRENT by default", async () => {
        expect(await client.getSecretJson("app/versioned")).toEqual({ user: "app", password: "new" });
      });

      it("reads a version stage", async () => {
        const value = await client.getSecretJson("app/versioned", { versionStage: "AWSPREVIOUS" });

        expect(value).toEqual({ user: "app", password: "old" });
      });

      it("reads a version id", async () => {
        const value = await client.getSecretValue("app/versioned", { versionId: PREVIOUS_VERSION });

        expect(value.versionId).toBe(PREVIOUS_VERSION);
        expect(value.versionStages).toEqual(["AWSPREVIOUS"]);
      });

      it("throws NOT_FOUND for an unknown version stage", async () => {
        const error = await rejectionOf(client.getSecret("app/versioned", { versionStage: "AWSPENDING" }));

        expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
      });

      it("reports the current version id", async () => {
        expect((await client.getSecretValue("app/versioned")).versionId).toBe(CURRENT_VERSION);
      });
    });

    options.additionalTests?.({ client: () => client });
  });
}
