/**
 * The contracts every transport must meet, registered as one vitest suite per transport: the secret
 * contract ({@link testTransport}) and, for transports that serve SSM parameters, the parameter
 * contract ({@link testParameterTransport}). Each test file calls them with a factory that serves the
 * fixtures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError,
  createSecretsClient,
  isSecretsError,
  type SecretsClient,
  type Transport,
} from "../../src/index.js";
import type { LocalParameterValue } from "../../src/transports.js";
import { CANARY, expectNoLeak, rejectionOf } from "./canary.js";
import type { FakeParameter, SsmFixtures } from "./fake-ssm.js";
import { BINARY_VALUE, CURRENT_VERSION, FIXTURES, type Fixtures, PREVIOUS_VERSION } from "./fixtures.js";
import { credentialsSchema, leakySchema } from "./schemas.js";

/** Contract groups a backend may not support. `writes`: a read-only backend (a write is `CONFIG`). */
export type ContractFeature = "versions" | "binary" | "writes";

/** A deep copy of fixtures, for a backend that changes what it is given (the fake's writes). */
function copyFixtures(fixtures: Fixtures): Fixtures {
  return Object.fromEntries(
    Object.entries(fixtures).map(([name, versions]) => [
      name,
      versions.map((version) => ({ ...version, stages: [...version.stages] })),
    ]),
  );
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** A value over Secrets Manager's 65,536 bytes, made of the canary. */
const TOO_LARGE = CANARY.repeat(Math.ceil(65_537 / CANARY.length));

/** The write cases of the secret contract, on a backend of its own (the writes change it). */
function secretWriteCases(options: TransportContractOptions, skips: ReadonlySet<ContractFeature>): void {
  describe("writes", () => {
    let client: SecretsClient;
    let cleanup: (() => Promise<void> | void) | undefined;

    beforeAll(async () => {
      const built = await options.setup(copyFixtures(FIXTURES));
      cleanup = built.cleanup;
      client = createSecretsClient({ transport: built.transport });
    });
    afterAll(async () => {
      await client?.close();
      await cleanup?.();
    });

    it("creates a secret that the next read returns, and refuses to create it twice", async () => {
      const created = await client.createSecret("write/created", { user: "app" }, { description: "made by a test" });
      const again = await rejectionOf(client.createSecret("write/created", "other"));

      expect(created.name).toBe("write/created");
      expect(await client.getSecretJson("write/created")).toEqual({ user: "app" });
      expect(isSecretsError(again, "ALREADY_EXISTS")).toBe(true);
    });

    it("puts a new value that the next read returns at once, the old one becoming AWSPREVIOUS", async () => {
      await client.createSecret("write/put", { password: "one" });
      expect(await client.getSecretJson("write/put")).toEqual({ password: "one" });

      const put = await client.putSecretValue("write/put", { password: "two" });

      expect(await client.getSecretJson("write/put")).toEqual({ password: "two" });
      expect(put.versionStages).toEqual(["AWSCURRENT"]);
      expect((await client.getSecretValue("write/put")).versionId).toBe(put.versionId);
      if (!skips.has("versions")) {
        expect(await client.getSecretJson("write/put", { versionStage: "AWSPREVIOUS" })).toEqual({ password: "one" });
      }
    });

    it("makes a put with the same clientRequestToken idempotent, and refuses it with another value", async () => {
      const token = "00000000-0000-4000-8000-000000000001";
      await client.createSecret("write/token", "first");

      const first = await client.putSecretValue("write/token", "second", { clientRequestToken: token });
      const retried = await client.putSecretValue("write/token", "second", { clientRequestToken: token });
      const conflict = await rejectionOf(client.putSecretValue("write/token", CANARY, { clientRequestToken: token }));

      expect(first.versionId).toBe(token);
      expect(retried.versionId).toBe(token);
      expect(isSecretsError(conflict, "ALREADY_EXISTS")).toBe(true);
      expectNoLeak(conflict);
      expect(await client.getSecret("write/token")).toBe("second");
    });

    it("throws NOT_FOUND putting a value of a missing secret, without the value", async () => {
      const error = await rejectionOf(client.putSecretValue("write/missing", CANARY));

      expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
      expectNoLeak(error);
    });

    it("refuses a value over 65536 bytes before the call, naming the id and the size only", async () => {
      const error = await rejectionOf(client.putSecretValue("write/put", TOO_LARGE));

      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as Error).message).toContain('"write/put"');
      expect((error as Error).message).toContain(`${Buffer.byteLength(TOO_LARGE)} bytes`);
      expectNoLeak(error);
      expect(await client.getSecretJson("write/put")).toEqual({ password: "two" });
    });

    it("updates the description and the tags, which describeSecret and listSecrets report", async () => {
      await client.createSecret("write/meta", "v", { tags: { team: "a", env: "test" } });

      await client.updateSecret("write/meta", { description: "Orders database" });
      await client.tagSecret("write/meta", { team: "b" });
      await client.untagSecret("write/meta", ["env"]);

      const description = await client.describeSecret("write/meta");
      expect(description).toMatchObject({ name: "write/meta", description: "Orders database", tags: { team: "b" } });
      expect(Object.values(description.versionIdsToStages ?? {})).toEqual([["AWSCURRENT"]]);
      const listed = await collect(client.listSecrets({ filters: [{ key: "tag-value", values: ["b"] }] }));
      expect(listed.map((entry) => entry.name)).toEqual(["write/meta"]);
    });

    it("lists the metadata of every page, never a value", async () => {
      const names = ["write/list/a", "write/list/b", "write/list/c"];
      for (const name of names) await client.createSecret(name, CANARY);

      const listed = await collect(
        client.listSecrets({ filters: [{ key: "name", values: ["write/list/"] }], pageSize: 1, sortOrder: "asc" }),
      );

      expect(listed.map((entry) => entry.name)).toEqual(names);
      expect(JSON.stringify(listed)).not.toContain(CANARY);
    });

    it("schedules a deletion that fails reads until restoreSecret, and deletes at once when forced", async () => {
      await client.createSecret("write/deleted", "v");

      const scheduled = await client.deleteSecret("write/deleted", { recoveryWindowInDays: 7 });
      const whileDeleted = await rejectionOf(client.getSecret("write/deleted"));
      const listed = await collect(client.listSecrets({ filters: [{ key: "name", values: ["write/deleted"] }] }));
      const planned = await collect(
        client.listSecrets({ filters: [{ key: "name", values: ["write/deleted"] }], includePlannedDeletion: true }),
      );
      await client.restoreSecret("write/deleted");
      const restored = await client.getSecret("write/deleted");
      await client.deleteSecret("write/deleted", { forceDeleteWithoutRecovery: true });
      const gone = await rejectionOf(client.getSecret("write/deleted"));

      expect(scheduled.deletionDate?.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
      expect(isSecretsError(whileDeleted, "INVALID_REQUEST")).toBe(true);
      expect(listed).toEqual([]);
      expect(planned.map((entry) => [entry.name, entry.deletedDate instanceof Date])).toEqual([
        ["write/deleted", true],
      ]);
      expect(restored).toBe("v");
      expect(isSecretsError(gone, "NOT_FOUND")).toBe(true);
    });

    it("refuses a recovery window outside 7 to 30 days, or with forceDeleteWithoutRecovery", async () => {
      await expect(client.deleteSecret("app/text", { recoveryWindowInDays: 3 })).rejects.toThrow(ArgumentError);
      await expect(
        client.deleteSecret("app/text", { recoveryWindowInDays: 7, forceDeleteWithoutRecovery: true }),
      ).rejects.toThrow(ArgumentError);
    });

    it.skipIf(skips.has("versions"))(
      "moves AWSCURRENT to a pending version with updateSecretVersionStage",
      async () => {
        const current = await client.createSecret("write/staged", "old");
        const pending = await client.putSecretValue("write/staged", "new", { versionStages: ["AWSPENDING"] });
        expect(await client.getSecret("write/staged")).toBe("old");

        await client.updateSecretVersionStage("write/staged", {
          versionStage: "AWSCURRENT",
          moveToVersionId: pending.versionId,
          removeFromVersionId: current.versionId,
        });

        expect(await client.getSecret("write/staged")).toBe("new");
        expect(await client.getSecret("write/staged", { versionStage: "AWSPREVIOUS" })).toBe("old");
      },
    );

    it("makes a random password by the rules asked for", async () => {
      const password = await client.getRandomPassword({ passwordLength: 24, excludePunctuation: true });

      expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
    });
  });
}

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

    if (!skips.has("writes")) secretWriteCases(options, skips);
    else {
      it("refuses a write with CONFIG, naming the transport", async (context) => {
        // A transport that writes elsewhere than it reads (auto: reads by the agent, writes by the SDK) has no cases here.
        if (typeof client.transport.putSecretValue === "function") context.skip();
        const error = await rejectionOf(client.putSecretValue("app/text", CANARY));

        expect(isSecretsError(error, "CONFIG")).toBe(true);
        expect((error as Error).message).toMatch(/read-only|cannot putSecretValue/);
        expectNoLeak(error);
      });
    }

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
  /** Whether the backend takes the Parameter Store writes (under `/app/written/`). */
  readonly writes?: boolean;
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

    describe.runIf(options.writes)("writes", () => {
      it("puts a parameter the next read returns, refuses it again without overwrite, and overwrites", async () => {
        const first = await client.putParameter("/app/written/flag", "on");
        const again = await rejectionOf(client.putParameter("/app/written/flag", CANARY));
        const second = await client.putParameter("/app/written/flag", "off", { overwrite: true });

        expect(first.version).toBe(1);
        expect(isSecretsError(again, "ALREADY_EXISTS")).toBe(true);
        expectNoLeak(again);
        expect(second).toMatchObject({ version: 2, tier: "Standard" });
        expect(await client.getParameter("/app/written/flag")).toBe("off");
      });

      it("puts a StringList from an array and a SecureString, and a path read shows them at once", async () => {
        expect(await client.getParametersByPath("/app/written/db")).toEqual({});

        await client.putParameter("/app/written/db/hosts", ["a", "b"]);
        await client.putParameter("/app/written/db/password", CANARY, { type: "SecureString" });

        expect(await client.getParameter("/app/written/db/hosts")).toEqual(["a", "b"]);
        expect(await client.getParametersByPath("/app/written/db")).toEqual({ hosts: ["a", "b"], password: CANARY });
      });

      it("refuses a value over the tier's limit before the call, and takes it in the Advanced tier", async () => {
        const value = "x".repeat(5000);
        const error = await rejectionOf(client.putParameter("/app/written/large", `${CANARY}${value}`));
        const advanced = await client.putParameter("/app/written/large", value, { tier: "Advanced" });

        expect(error).toBeInstanceOf(ArgumentError);
        expect((error as Error).message).toContain('"/app/written/large"');
        expect((error as Error).message).toContain("4096");
        expectNoLeak(error);
        expect(advanced.tier).toBe("Advanced");
      });

      it("labels a version, returning the labels that break the rules", async () => {
        await client.putParameter("/app/written/labelled", "v1");
        await client.putParameter("/app/written/labelled", "v2", { overwrite: true });

        const labelled = await client.labelParameterVersion("/app/written/labelled", ["stable", "1bad"], {
          version: 1,
        });

        expect(labelled).toEqual({ invalidLabels: ["1bad"], parameterVersion: 1 });
        expect(await client.getParameter("/app/written/labelled", { label: "stable" })).toBe("v1");
      });

      it("deletes a parameter: the next read is NOT_FOUND, and so is a second delete", async () => {
        await client.putParameter("/app/written/deleted", "v");
        expect(await client.getParameter("/app/written/deleted")).toBe("v");

        await client.deleteParameter("/app/written/deleted");

        expect(isSecretsError(await rejectionOf(client.getParameter("/app/written/deleted")), "NOT_FOUND")).toBe(true);
        expect(isSecretsError(await rejectionOf(client.deleteParameter("/app/written/deleted")), "NOT_FOUND")).toBe(
          true,
        );
      });
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
