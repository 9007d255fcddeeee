import { describe, expect, it } from "vitest";
import { ArgumentError, createSecretsClient, isSecretsError, memoryTransport } from "../src/index.js";
import type { MemoryTransportOptions } from "../src/transports.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import { testTransport } from "./helpers/transport-contract.js";

testTransport({
  name: "memory",
  async setup(fixtures) {
    const transport = memoryTransport();
    for (const [name, versions] of Object.entries(fixtures)) {
      for (const version of versions) {
        transport.set(name, version.value, { versionId: version.versionId, versionStages: version.stages });
      }
    }
    return { transport };
  },
});

describe("memoryTransport", () => {
  it("stores objects as JSON text", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport({ "prod/db": { port: 5432 } }) });

    expect(await secrets.getSecret("prod/db")).toBe('{"port":5432}');
  });

  it("moves AWSCURRENT to AWSPREVIOUS when a new value is set, like a rotation", async () => {
    const transport = memoryTransport({ "prod/db": { password: "one" } });
    const secrets = createSecretsClient({ transport });

    transport.set("prod/db", { password: "two" });

    expect(await secrets.getSecretJson("prod/db")).toEqual({ password: "two" });
    expect(await secrets.getSecretJson("prod/db", { versionStage: "AWSPREVIOUS" })).toEqual({ password: "one" });
  });

  it("finds a secret by its ARN", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport({ "prod/db": "x" }) });

    expect(await secrets.getSecret("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db")).toBe("x");
  });
});

describe("client edge cases", () => {
  it("rejects a schema that is not an object as CONFIG instead of crashing", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport({ "prod/db": { port: 5432 } }) });

    const error = await secrets.getSecretJson("prod/db", { schema: "x" as never }).catch((caught: unknown) => caught);

    expect(isSecretsError(error, "CONFIG")).toBe(true);
  });

  it("rejects a read whose signal has fired even when the value is cached", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport({ key: "v" }), cache: {} });
    await secrets.getSecret("key");
    const controller = new AbortController();
    controller.abort();

    const error = await secrets.getSecret("key", { signal: controller.signal }).catch((caught: unknown) => caught);

    expect(isSecretsError(error, "ABORTED")).toBe(true);
  });
});

describe("parameter edge cases", () => {
  it("rejects a parameter read whose signal has fired even when the value is cached", async () => {
    const transport = memoryTransport({}, { parameters: { "/app/url": "https://example.com" } });
    const secrets = createSecretsClient({ transport, cache: {} });
    await secrets.getParameter("/app/url");
    const controller = new AbortController();
    controller.abort();

    const error = await secrets
      .getParameter("/app/url", { signal: controller.signal })
      .catch((caught: unknown) => caught);

    expect(isSecretsError(error, "ABORTED")).toBe(true);
  });
});

describe("secret ids on the local transports", () => {
  const arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/db-AbCdEf";

  it("finds a secret by its full ARN, with the suffix AWS appends", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport({ "prod/db": "x" }) });

    expect(await secrets.getSecret(arn)).toBe("x");
  });

  it("invalidates a cached secret by its ARN", async () => {
    const transport = memoryTransport({ "prod/db": "one" });
    const secrets = createSecretsClient({ transport, cache: {} });
    await secrets.getSecret("prod/db");
    transport.set("prod/db", "two");

    secrets.invalidate(arn);

    expect(await secrets.getSecret("prod/db")).toBe("two");
  });

  it("gives an initial value a version id derived from its content, stable across instances", async () => {
    const first = await createSecretsClient({ transport: memoryTransport({ a: "v" }) }).getSecretValue("a");
    const second = await createSecretsClient({ transport: memoryTransport({ a: "v" }) }).getSecretValue("a");
    const changed = await createSecretsClient({ transport: memoryTransport({ a: "w" }) }).getSecretValue("a");

    expect(first.versionId).toBe(second.versionId);
    expect(first.versionId).not.toBe(changed.versionId);
    expect(first.versionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe("extend", () => {
  it("shares the parent's transport, keeps its own cache, and leaves the transport open on close", async () => {
    let closed = 0;
    const inner = memoryTransport({ key: "one" });
    const transport = { ...inner, close: () => void closed++ };
    const parent = createSecretsClient({ transport, cache: {} });
    const child = parent.extend({ cache: false });
    await parent.getSecret("key");
    inner.set("key", "two");

    const [fromParent, fromChild] = [await parent.getSecret("key"), await child.getSecret("key")];
    await child.close();

    expect([fromParent, fromChild]).toEqual(["one", "two"]);
    expect(closed).toBe(0);
    await parent.close();
    expect(closed).toBe(1);
  });
});

describe("extend chains", () => {
  it("keeps the parent's spec and session in later extends instead of pinning its transport object", () => {
    const session = { client: () => ({ send: async () => ({}), destroy() {} }) as never };
    const parent = createSecretsClient({ transport: "sdk", session });

    const child = parent.extend({ cache: false });
    const grandchild = child.extend({ session });

    expect(grandchild.transport.name).toBe("sdk");
    expect(child.extend({ transport: "memory" }).transport.name).toBe("memory");
  });
});

describe("memoryTransport arguments", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;

  /** Bad values of every option; the mapped type makes a new option without an entry a type error. */
  const BAD_OPTIONS: { readonly [K in keyof Required<MemoryTransportOptions>]: readonly unknown[] } = {
    parameters: [null, "x", [], { "/app/flag": 5 }, { "": "x" }, { "a:b": "x" }, { "/app/list": ["a,b"] }],
  };
  const cases = Object.entries(BAD_OPTIONS).flatMap(([name, values]) => values.map((value) => [name, value] as const));

  it.each(cases)("refuses %s = %o as an ArgumentError", (name, value) => {
    expect(thrownBy(() => memoryTransport({}, { [name]: value }))).toBeInstanceOf(ArgumentError);
  });

  it.each([[null], ["x"], [["a"]], [new Uint8Array(1)]])("refuses secrets that are not an object (%o)", (secrets) => {
    expect(thrownBy(() => memoryTransport(secrets as never))).toBeInstanceOf(ArgumentError);
  });

  it.each([
    ["null", null],
    ["a string", "x"],
    ["an array", []],
  ])("refuses options that are %s", (_label, options) => {
    expect(thrownBy(() => memoryTransport({}, options as never))).toBeInstanceOf(ArgumentError);
  });

  it.each([
    ["undefined", undefined],
    ["a function", () => CANARY],
    ["a symbol", Symbol(CANARY)],
    ["a bigint", 10n],
    ["a cycle", cyclic],
  ])("refuses %s as a secret value, without quoting it", (_label, value) => {
    const error = thrownBy(() => memoryTransport({ key: value as never }));

    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toContain('"key"');
    expectNoLeak(error);
  });

  it.each([
    ["id", () => memoryTransport().set("", "v")],
    ["id", () => memoryTransport().set(5 as never, "v")],
    ["versionStages", () => memoryTransport().set("k", "v", { versionStages: "AWSCURRENT" as never })],
    ["versionStages", () => memoryTransport().set("k", "v", { versionStages: [""] })],
    ["versionStages", () => memoryTransport().set("k", "v", { versionStages: [5 as never] })],
    ["versionId", () => memoryTransport().set("k", "v", { versionId: "" })],
    ["versionId", () => memoryTransport().set("k", "v", { versionId: 5 as never })],
    ["options", () => memoryTransport().set("k", "v", null as never)],
    ["labels", () => memoryTransport().setParameter("/p", "v", { labels: "live" as never })],
    ["labels", () => memoryTransport().setParameter("/p", "v", { labels: ["1st"] })],
    ["options", () => memoryTransport().setParameter("/p", "v", null as never)],
  ])("refuses a bad %s of set() / setParameter() as an ArgumentError", (_name, act) => {
    expect(thrownBy(act)).toBeInstanceOf(ArgumentError);
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
