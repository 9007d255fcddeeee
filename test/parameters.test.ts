import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createSecretsClient,
  fileTransport,
  isSecretsError,
  memoryTransport,
  type ParameterRecord,
  type ParameterType,
  type SecretsClient,
  sdkTransport,
  type Transport,
} from "../src/index.js";
import type { LocalParameterValue, ParameterRequest } from "../src/transports.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { startFakeSsm } from "./helpers/fake-ssm.js";
import { addSsmWrites } from "./helpers/fake-ssm-writes.js";
import { credentialsSchema } from "./helpers/schemas.js";
import {
  latestParameters,
  localParameter,
  PARAMETER_FIXTURES as PARAMETERS,
  REFERENCED_SECRETS as SECRETS,
  testParameterTransport,
} from "./helpers/transport-contract.js";

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-parameters-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writeFile(name: string, content: unknown): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

/** A client over a transport that records the parameter requests it gets and answers one value. */
function spyClient(type: ParameterType, value: string): { calls: ParameterRequest[]; client: SecretsClient } {
  const calls: ParameterRequest[] = [];
  const transport: Transport = {
    name: "spy",
    getSecretValue: () => Promise.reject(new Error("unused")),
    getParameter: async (request) => {
      calls.push(request);
      return { name: request.name, type, value };
    },
  };
  return { calls, client: createSecretsClient({ transport, cache: false }) };
}

testParameterTransport({
  name: "sdk",
  versions: true,
  cache: false,
  writes: true,
  async setup() {
    const fixtures = structuredClone(PARAMETERS);
    const server = await startFakeSsm(fixtures, { secrets: SECRETS });
    addSsmWrites(server, fixtures);
    return { transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }), cleanup: server.close };
  },
});

/** A memory transport holding every version of the parameter fixtures. */
async function memoryWithParameters(): Promise<{ transport: Transport }> {
  const transport = memoryTransport(SECRETS);
  for (const [name, fixture] of Object.entries(PARAMETERS)) {
    for (const version of fixture.versions) {
      transport.setParameter(name, localParameter(fixture.type, version.value), { labels: version.labels });
    }
  }
  return { transport };
}

testParameterTransport({ name: "memory", versions: true, cache: false, writes: true, setup: memoryWithParameters });

testParameterTransport({
  name: "memory behind the client's cache",
  versions: true,
  cache: {},
  writes: true,
  setup: memoryWithParameters,
});

testParameterTransport({
  name: "file",
  versions: false,
  cache: false,
  writes: true,
  async setup() {
    return {
      transport: fileTransport(
        writeFile("contract.json", { secrets: SECRETS, parameters: latestParameters(PARAMETERS) }),
      ),
    };
  },
});

describe("getParameter options", () => {
  const secrets = createSecretsClient({
    transport: memoryTransport(
      {},
      { parameters: { "/a": "text", "/list": ["x", "y"], "/s": { type: "SecureString", value: CANARY } } },
    ),
    cache: false,
  });

  it("returns a new array for every StringList read, so callers may change it", async () => {
    const first = await secrets.getParameter("/list", { type: "StringList" });
    first.push("z");

    expect(await secrets.getParameter("/list")).toEqual(["x", "y"]);
  });

  const invalid: [string, Parameters<SecretsClient["getParameter"]>[1], RegExp][] = [
    ["a version of 0", { version: 0 }, /"version" must be a positive integer/],
    ["a fractional version", { version: 1.5 }, /"version" must be a positive integer/],
    ["an empty label", { label: "" }, /"label" must be a non-empty string/],
    ["both a version and a label", { version: 1, label: "live" }, /at most one of "version", "label"/],
    ["an unknown type", { type: "Binary" as never }, /"type" must be/],
    ["a non-boolean decrypt", { decrypt: "yes" as never }, /"decrypt" must be a boolean/],
  ];
  for (const [label, options, message] of invalid) {
    it(`rejects ${label} with a TypeError naming the option`, async () => {
      await expect(secrets.getParameter("/a", options)).rejects.toThrow(TypeError);
      await expect(secrets.getParameter("/a", options)).rejects.toThrow(message);
    });
  }

  it("rejects a selector in the name together with a version option", async () => {
    await expect(secrets.getParameter("/a:2", { version: 3 })).rejects.toThrow(/at most one of/);
  });

  it("rejects an empty name", async () => {
    await expect(secrets.getParameter("")).rejects.toThrow("parameter name must be a non-empty string");
  });

  it("refuses a secret reference without decryption before calling the backend", async () => {
    const { calls, client } = spyClient("SecureString", "x");

    const error = await rejectionOf(client.getParameter("/aws/reference/secretsmanager/prod/db", { decrypt: false }));

    expect(isSecretsError(error, "INVALID_REQUEST")).toBe(true);
    expect((error as Error).message).toContain("require decrypt: true");
    expect(calls).toEqual([]);
  });

  it("hands the transport a request with the selector moved out of the name and decrypt filled in", async () => {
    const { calls, client } = spyClient("String", "v");

    await client.getParameter("/app/flag:live");
    await client.getParameter("arn:aws:ssm:us-east-1:123456789012:parameter/app/flag:7", { decrypt: false });

    expect(calls.map(({ name, version, label, decrypt }) => ({ name, version, label, decrypt }))).toEqual([
      { name: "/app/flag", version: undefined, label: "live", decrypt: true },
      { name: "arn:aws:ssm:us-east-1:123456789012:parameter/app/flag", version: 7, label: undefined, decrypt: false },
    ]);
  });

  it("keeps the colons of a secret ARN inside a reference name, and still reads a selector after it", async () => {
    const calls: ParameterRequest[] = [];
    const transport: Transport = {
      name: "spy",
      getSecretValue: () => Promise.reject(new Error("unused")),
      getParameter: async (request) => {
        calls.push(request);
        return { name: request.name, type: "SecureString", value: "v" };
      },
    };
    const client = createSecretsClient({ transport, cache: false });
    const reference =
      "/aws/reference/secretsmanager/arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-db-AbCdEf";

    await client.getParameter(reference);
    await client.getParameter(reference, { label: "AWSPREVIOUS" });
    await client.getParameter(`${reference}:AWSPENDING`);

    expect(calls.map(({ name, label }) => ({ name, label }))).toEqual([
      { name: reference, label: undefined },
      { name: reference, label: "AWSPREVIOUS" },
      { name: reference, label: "AWSPENDING" },
    ]);
  });
});

describe("getParameters", () => {
  function singleOnly(values: Record<string, string>): { transport: Transport; calls: ParameterRequest[] } {
    const calls: ParameterRequest[] = [];
    const transport: Transport = {
      name: "single",
      getSecretValue: () => Promise.reject(new Error("unused")),
      async getParameter(request): Promise<ParameterRecord> {
        calls.push(request);
        const value = values[request.name];
        if (value === undefined) return memoryTransport().getParameter?.(request) as Promise<ParameterRecord>;
        return { name: request.name, type: "String", value };
      },
    };
    return { transport, calls };
  }

  it("falls back to parallel single reads when the transport has no batch call", async () => {
    const { transport, calls } = singleOnly({ "/a": "1", "/b": "2" });
    const secrets = createSecretsClient({ transport, cache: false });

    const results = await secrets.getParameters(["/a", "/b:4", "/missing"]);

    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual(["1", "2", "NOT_FOUND"]);
    expect(calls.map(({ name, version }) => [name, version])).toEqual([
      ["/a", undefined],
      ["/b", 4],
      ["/missing", undefined],
    ]);
  });

  it("asks once per distinct name and answers every position", async () => {
    const { transport, calls } = singleOnly({ "/a": "1" });
    const secrets = createSecretsClient({ transport, cache: false });

    const results = await secrets.getParameters(["/a", "/a", "/a"]);

    expect(results.map((result) => result.ok && result.value)).toEqual(["1", "1", "1"]);
    expect(calls).toHaveLength(1);
  });

  it("fails a secret reference without decryption per name, and reads the rest", async () => {
    const secrets = createSecretsClient({
      transport: memoryTransport({ "prod/key": "k" }, { parameters: { "/a": "1" } }),
      cache: false,
    });

    const results = await secrets.getParameters(["/a", "/aws/reference/secretsmanager/prod/key"], { decrypt: false });

    expect(results[0]?.ok).toBe(true);
    expect(results[1]?.ok === false && results[1].error.code).toBe("INVALID_REQUEST");
  });

  it("rejects names that are not an array of non-empty strings", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport(), cache: false });

    await expect(secrets.getParameters("/a" as never)).rejects.toThrow(TypeError);
    await expect(secrets.getParameters(["/a", ""])).rejects.toThrow(TypeError);
  });
});

describe("transports without parameters", () => {
  const bare: Transport = { name: "bare", getSecretValue: () => Promise.reject(new Error("unused")) };
  const secrets = createSecretsClient({ transport: bare, cache: false });

  it("reports CONFIG for getParameter, naming the transport to use", async () => {
    const error = await rejectionOf(secrets.getParameter("/a"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain("the bare transport cannot getParameter");
    expect((error as Error).message).toContain("sdk transport");
  });

  it("reports CONFIG for getParametersByPath when only single reads exist, naming the sdk transport", async () => {
    const agentLike = createSecretsClient({
      transport: {
        ...bare,
        name: "agent",
        getParameter: async (request) => ({ name: request.name, type: "String", value: "v" }),
      },
      cache: false,
    });

    const error = await rejectionOf(agentLike.getParametersByPath("/app"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain("the agent transport cannot getParametersByPath");
    expect((error as Error).message).toContain("sdk transport");
  });

  it("reports CONFIG for getParameters", async () => {
    const error = await rejectionOf(secrets.getParameters(["/a"]));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
  });
});

describe("getParametersByPath trees", () => {
  function client(parameters: Record<string, LocalParameterValue>): SecretsClient {
    return createSecretsClient({ transport: memoryTransport({}, { parameters }), cache: false });
  }

  it("maps segments to camelCase keys on request", async () => {
    const secrets = client({
      "/app/api-url": "u",
      "/app/max_pool_size": "10",
      "/app/DB_HOST": "h",
      "/app/feature.flags/new-ui": "on",
    });

    const tree = await secrets.getParametersByPath("/app", { keys: "camelCase" });

    expect(tree).toEqual({ apiUrl: "u", maxPoolSize: "10", dbHost: "h", featureFlags: { newUi: "on" } });
  });

  it("keeps segments as they are by default", async () => {
    const tree = await client({ "/app/api-url": "u" }).getParametersByPath("/app");

    expect(tree).toEqual({ "api-url": "u" });
  });

  it("throws CONFIG when a parameter has a value and children, naming both and suggesting the flat shape", async () => {
    const secrets = client({ "/app/db": CANARY, "/app/db/password": { type: "SecureString", value: CANARY } });

    const error = await rejectionOf(secrets.getParametersByPath("/app"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain('parameters "/app/db" and "/app/db/password" both map to the key "db"');
    expect((error as Error).message).toContain('{ shape: "flat" }');
    expectNoLeak(error);
  });

  it("reads such a path with the flat shape", async () => {
    const secrets = client({ "/app/db": "url", "/app/db/password": "pw" });

    expect(await secrets.getParametersByPath("/app", { shape: "flat" })).toEqual({ db: "url", "db/password": "pw" });
  });

  it("throws CONFIG when two names meet on one camelCase key", async () => {
    const secrets = client({ "/app/api-url": "a", "/app/api_url": "b" });

    const error = await rejectionOf(secrets.getParametersByPath("/app", { keys: "camelCase", shape: "flat" }));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain('both map to the key "apiUrl"');
    expect((error as Error).message).toContain('{ keys: "preserve" }');
  });

  it("stores a __proto__ segment as data, not as the prototype", async () => {
    const tree = await client({ "/app/__proto__/polluted": "yes" }).getParametersByPath("/app");

    expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
    expect(Object.keys(tree)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("returns the tree deep-frozen", async () => {
    const tree = await client({ "/app/db/hosts": ["a", "b"] }).getParametersByPath("/app");

    expect(Object.isFrozen(tree)).toBe(true);
    expect(Object.isFrozen(tree.db)).toBe(true);
    expect(Object.isFrozen((tree.db as { hosts: string[] }).hosts)).toBe(true);
  });

  it("hands out the same frozen tree and validated value while the cache holds the path", async () => {
    const transport = memoryTransport({}, { parameters: { "/app/db/user": "u", "/app/db/password": "p" } });
    const secrets = createSecretsClient({ transport, cache: {} });

    const first = await secrets.getParametersByPath("/app");
    const second = await secrets.getParametersByPath("/app");
    const validated = await secrets.getParametersByPath("/app/db", { schema: credentialsSchema });
    const again = await secrets.getParametersByPath("/app/db", { schema: credentialsSchema });

    expect(second).toBe(first);
    expect(again).toBe(validated);
    expect(Object.isFrozen(validated)).toBe(true);
  });

  const invalid: [string, Parameters<SecretsClient["getParametersByPath"]>, RegExp][] = [
    ["a path without a leading slash", ["app"], /must start with "\/"/],
    ["an unknown shape", ["/app", { shape: "list" as never }], /"shape" must be "tree" or "flat"/],
    ["an unknown key style", ["/app", { keys: "snake" as never }], /"keys" must be "preserve" or "camelCase"/],
    ["a non-boolean recursive", ["/app", { recursive: 1 as never }], /"recursive" must be a boolean/],
  ];
  for (const [label, args, message] of invalid) {
    it(`rejects ${label} with a TypeError`, async () => {
      await expect(client({}).getParametersByPath(...args)).rejects.toThrow(message);
    });
  }

  it("rejects a schema that is not a Standard Schema as CONFIG", async () => {
    const error = await rejectionOf(client({ "/app/a": "1" }).getParametersByPath("/app", { schema: "nope" as never }));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
  });
});

describe("memoryTransport parameters", () => {
  it("adds a version on every set and moves labels to the new one", async () => {
    const transport = memoryTransport({}, { parameters: { "/flag": "one" } });
    const secrets = createSecretsClient({ transport, cache: false });

    transport.setParameter("/flag", "two", { labels: ["live"] });
    transport.setParameter("/flag", "three", { labels: ["live"] });

    expect(await secrets.getParameterValue("/flag")).toMatchObject({ value: "three", version: 3 });
    expect(await secrets.getParameter("/flag", { label: "live" })).toBe("three");
    expect(await secrets.getParameter("/flag", { version: 2 })).toBe("two");
  });

  it("forgets a deleted parameter", async () => {
    const transport = memoryTransport({}, { parameters: { "/gone": "x" } });
    const secrets = createSecretsClient({ transport, cache: false });

    transport.deleteParameter("/gone");

    expect(isSecretsError(await rejectionOf(secrets.getParameter("/gone")), "NOT_FOUND")).toBe(true);
  });

  it("finds a parameter by its ARN", async () => {
    const secrets = createSecretsClient({
      transport: memoryTransport({}, { parameters: { "/app/x": "x" } }),
      cache: false,
    });

    expect(await secrets.getParameter("arn:aws:ssm:us-east-1:123456789012:parameter/app/x")).toBe("x");
  });

  it("rejects StringList items with commas and values of other types, naming the parameter only", () => {
    expect(() => memoryTransport({}, { parameters: { "/l": ["a,b"] } })).toThrow(/"\/l": StringList items/);
    expect(() => memoryTransport({}, { parameters: { "/n": 42 as never } })).toThrow(/"\/n": expected a string/);
    expect(() => memoryTransport({}, { parameters: { "/s": { type: "String", value: [CANARY] } as never } })).toThrow(
      TypeError,
    );
  });

  it("rejects labels that begin with a number", () => {
    const transport = memoryTransport();

    expect(() => transport.setParameter("/a", "x", { labels: ["3"] })).toThrow(/must not begin with a number/);
  });
});

describe("fileTransport parameters", () => {
  it("reads strings, lists and typed values from the parameters key", async () => {
    const path = writeFile("typed.json", {
      parameters: {
        "/a": "text",
        "/b": ["x", "y"],
        "/c": { type: "SecureString", value: "s" },
        "/d": { type: "StringList", value: "p,q" },
      },
    });
    const secrets = createSecretsClient({ transport: fileTransport(path), cache: false });

    const results = await secrets.getParameters(["/a", "/b", "/c", "/d"]);

    expect(results.map((result) => result.ok && result.value)).toEqual(["text", ["x", "y"], "s", ["p", "q"]]);
  });

  it("throws CONFIG for a malformed parameter, naming the file and the parameter but not the value", async () => {
    const path = writeFile("bad-parameter.json", { parameters: { "/bad": { type: "Secret", value: CANARY } } });
    const secrets = createSecretsClient({ transport: fileTransport(path), cache: false });

    const error = await rejectionOf(secrets.getParameter("/bad"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain("bad-parameter.json");
    expect((error as Error).message).toContain('"/bad"');
    expectNoLeak(error);
  });

  it('throws CONFIG when "parameters" is not an object', async () => {
    const path = writeFile("list.json", { parameters: [CANARY] });
    const secrets = createSecretsClient({ transport: fileTransport(path), cache: false });

    const error = await rejectionOf(secrets.getParameter("/a"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain('"parameters" must be an object');
    expectNoLeak(error);
  });
});
