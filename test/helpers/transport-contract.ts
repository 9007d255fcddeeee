/**
 * The contracts every transport must meet, registered as one vitest suite per transport: the secret
 * contract ({@link testTransport}) and, for transports that serve SSM parameters, the parameter
 * contract ({@link testParameterTransport}). Each test file calls them with a factory that serves the
 * fixtures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretsClient, isSecretsError, type SecretsClient, type Transport } from "../../src/index.js";
import type { LocalParameterValue } from "../../src/transports.js";
import { CANARY, expectNoLeak, rejectionOf } from "./canary.js";
import type { FakeParameter, SsmFixtures } from "./fake-ssm.js";
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

/** The parameters every transport is tested with. */
export const PARAMETER_FIXTURES: SsmFixtures = {
  "/app/prod/api-url": { type: "String", versions: [{ value: "https://api.example.com" }] },
  "/app/prod/hosts": { type: "StringList", versions: [{ value: "a.example.com,b.example.com" }] },
  "/app/prod/db/password": { type: "SecureString", versions: [{ value: CANARY }] },
  "/app/prod/db/user": { type: "String", versions: [{ value: "app" }] },
  "/app/prod/flag": {
    type: "String",
    versions: [{ value: "off", labels: ["old"] }, { value: "on", labels: ["live"] }, { value: "maybe" }],
  },
  "/app/other/x": { type: "String", versions: [{ value: "x" }] },
};

/** Secrets readable through `/aws/reference/secretsmanager/<id>`. */
export const REFERENCED_SECRETS = { "prod/api-key": `key-${CANARY}` };

/** A fixture version as a local value with its type spelled out. */
export function localParameter(type: FakeParameter["type"], value: string): LocalParameterValue {
  return { type, value };
}

/** The latest version of each fixture, for backends without versions. */
export function latestParameters(fixtures: SsmFixtures): Record<string, LocalParameterValue> {
  return Object.fromEntries(
    Object.entries(fixtures).map(([name, fixture]) => [
      name,
      localParameter(fixture.type, fixture.versions.at(-1)?.value ?? ""),
    ]),
  );
}

export interface ParameterContractOptions {
  readonly name: string;
  readonly setup: () => Promise<{ transport: Transport; cleanup?: () => Promise<void> }>;
  /** Whether the backend keeps older versions and labels. */
  readonly versions: boolean;
  /** The client's cache option; the transport's default when absent. */
  readonly cache?: false | Record<string, never>;
}

/** The behaviour every transport that serves parameters shares. */
export function testParameterTransport(options: ParameterContractOptions): void {
  describe(`parameter contract: ${options.name}`, () => {
    let client: SecretsClient;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const built = await options.setup();
      cleanup = built.cleanup;
      client = createSecretsClient({
        transport: built.transport,
        ...(options.cache === undefined ? {} : { cache: options.cache }),
      });
    });
    afterAll(async () => {
      await client?.close();
      await cleanup?.();
    });

    it("reads a String parameter as a string", async () => {
      expect(await client.getParameter("/app/prod/api-url")).toBe("https://api.example.com");
    });

    it("reads a StringList parameter as an array of its items", async () => {
      expect(await client.getParameter("/app/prod/hosts")).toEqual(["a.example.com", "b.example.com"]);
    });

    it("decrypts a SecureString by default", async () => {
      expect(await client.getParameter("/app/prod/db/password")).toBe(CANARY);
    });

    it("returns a SecureString encrypted, never the plaintext, with decrypt: false", async () => {
      const value = await client.getParameter("/app/prod/db/password", { decrypt: false });

      expect(typeof value).toBe("string");
      expect(value).not.toContain(CANARY);
    });

    it("returns the metadata with getParameterValue", async () => {
      const value = await client.getParameterValue("/app/prod/hosts");

      expect(value).toMatchObject({
        name: "/app/prod/hosts",
        type: "StringList",
        value: "a.example.com,b.example.com",
      });
      expect(value.version).toBeGreaterThanOrEqual(1);
    });

    it("throws NOT_FOUND for a missing parameter, naming it and the transport", async () => {
      const error = await rejectionOf(client.getParameter("/app/prod/missing"));

      expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
      expect((error as Error).message).toContain('"/app/prod/missing"');
      expect((error as { transport?: string }).transport).toBe(client.transport.name);
    });

    it("throws WRONG_TYPE when the parameter has another type than asked, without its value", async () => {
      const error = await rejectionOf(client.getParameter("/app/prod/db/password", { type: "String" }));

      expect(isSecretsError(error, "WRONG_TYPE")).toBe(true);
      expect((error as Error).message).toContain("expected a String parameter, got a SecureString");
      expectNoLeak(error);
    });

    it("reads a secret through /aws/reference/secretsmanager/", async () => {
      const value = await client.getParameterValue("/aws/reference/secretsmanager/prod/api-key");

      expect(value.value).toBe(`key-${CANARY}`);
      expect(value.type).toBe("SecureString");
    });

    it("gives each name of a batch its own result, in order, a missing one as NOT_FOUND", async () => {
      const results = await client.getParameters(["/app/prod/hosts", "/app/prod/missing", "/app/prod/api-url"]);

      expect(results.map((result) => [result.id, result.ok])).toEqual([
        ["/app/prod/hosts", true],
        ["/app/prod/missing", false],
        ["/app/prod/api-url", true],
      ]);
      expect(results[0]?.ok && results[0].value).toEqual(["a.example.com", "b.example.com"]);
      const missing = results[1];
      expect(missing?.ok === false && missing.error.code).toBe("NOT_FOUND");
    });

    it("reads a path recursively as a nested tree", async () => {
      const tree = await client.getParametersByPath("/app/prod");

      expect(tree).toEqual({
        "api-url": "https://api.example.com",
        hosts: ["a.example.com", "b.example.com"],
        db: { password: CANARY, user: "app" },
        flag: "maybe",
      });
    });

    it("reads only the direct children with recursive: false", async () => {
      const tree = await client.getParametersByPath("/app/prod", { recursive: false });

      expect(Object.keys(tree).sort()).toEqual(["api-url", "flag", "hosts"]);
    });

    it("reads a path as a flat map of relative names", async () => {
      const map = await client.getParametersByPath("/app/prod/", { shape: "flat", keys: "camelCase" });

      expect(map).toEqual({
        apiUrl: "https://api.example.com",
        hosts: ["a.example.com", "b.example.com"],
        "db/password": CANARY,
        "db/user": "app",
        flag: "maybe",
      });
    });

    it("validates a tree with a schema and reports mismatches without values", async () => {
      const valid = await client.getParametersByPath("/app/prod/db", { schema: credentialsSchema });
      const error = await rejectionOf(client.getParametersByPath("/app/prod/db", { schema: leakySchema }));

      expect(valid).toEqual({ user: "app", password: CANARY });
      expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
      expect((error as Error).message).toContain('getParametersByPath "/app/prod/db" failed');
      expectNoLeak(error);
    });

    it("returns an empty tree for a path without parameters", async () => {
      expect(await client.getParametersByPath("/app/nothing-here")).toEqual({});
    });

    describe.skipIf(!options.versions)("versions and labels", () => {
      it("reads a version by number", async () => {
        expect(await client.getParameter("/app/prod/flag", { version: 1 })).toBe("off");
      });

      it("reads the version a label is attached to", async () => {
        const value = await client.getParameterValue("/app/prod/flag", { label: "live" });

        expect(value).toMatchObject({ value: "on", version: 2, selector: ":live" });
      });

      it("reads a selector written in the name", async () => {
        const value = await client.getParameterValue("/app/prod/flag:1");

        expect(value).toMatchObject({ name: "/app/prod/flag", value: "off", version: 1, selector: ":1" });
      });

      it("reads selectors in a batch", async () => {
        const results = await client.getParameters(["/app/prod/flag:1", "/app/prod/flag:live", "/app/prod/flag:9"]);

        expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual([
          "off",
          "on",
          "NOT_FOUND",
        ]);
      });

      it("throws NOT_FOUND for a missing version and a missing label", async () => {
        const version = await rejectionOf(client.getParameter("/app/prod/flag", { version: 9 }));
        const label = await rejectionOf(client.getParameter("/app/prod/flag", { label: "nope" }));

        expect(isSecretsError(version, "NOT_FOUND")).toBe(true);
        expect(isSecretsError(label, "NOT_FOUND")).toBe(true);
        expect((version as Error).message).toContain('"/app/prod/flag:9"');
      });
    });
  });
}
