import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ArgumentError, createSecretsClient, isSecretsError } from "../src/index.js";
import { parseTransportSpec } from "../src/transports/spec.js";
import { ENV_MAP_VARIABLE, envTransport, resolveTransport } from "../src/transports.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { currentValues } from "./helpers/fixtures.js";
import { testTransport } from "./helpers/transport-contract.js";

/** A variable name for a fixture id: `app/not-json` -> `SW_APP_NOT_JSON`. */
function variableFor(id: string): string {
  return `SW_${id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

testTransport({
  name: "env",
  skip: ["versions", "binary", "writes"],
  async setup(fixtures) {
    const env: Record<string, string> = {};
    const map: Record<string, string> = {};
    for (const [id, value] of Object.entries(currentValues(fixtures))) {
      if (typeof value !== "string") continue;
      map[id] = variableFor(id);
      env[variableFor(id)] = value;
    }
    return { transport: envTransport({ map, env }) };
  },
});

const savedMap = process.env[ENV_MAP_VARIABLE];
afterEach(() => {
  if (savedMap === undefined) delete process.env[ENV_MAP_VARIABLE];
  else process.env[ENV_MAP_VARIABLE] = savedMap;
});

const DB = JSON.stringify({ username: "app", password: CANARY });

describe("envTransport: reads by the map only", () => {
  it("serves a mapped id from its variable, typed by a schema", async () => {
    const secrets = createSecretsClient({
      transport: envTransport({ map: { "prod/db": "DB_SECRET" }, env: { DB_SECRET: DB } }),
    });

    const db = await secrets.getSecretJson("prod/db", { schema: z.object({ username: z.string() }) });

    expect(db).toEqual({ username: "app" });
    expect(secrets.transport.name).toBe("env");
  });

  it("reports the record as the current version of the mapped name", async () => {
    const transport = envTransport({ map: { "prod/db": "DB_SECRET" }, env: { DB_SECRET: DB } });

    expect(await transport.getSecretValue({ id: "prod/db" })).toEqual({
      name: "prod/db",
      versionStages: ["AWSCURRENT"],
      secretString: DB,
    });
    expect(await transport.getSecretValue({ id: "prod/db", versionStage: "AWSCURRENT" })).toMatchObject({
      name: "prod/db",
    });
  });

  it("serves an id asked for by its ARN when the map names the secret", async () => {
    const transport = envTransport({ map: { "prod/db": "DB_SECRET" }, env: { DB_SECRET: DB } });

    const record = await transport.getSecretValue({
      id: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
    });

    expect(record.name).toBe("prod/db");
  });

  it("throws NOT_FOUND saying an id is not mapped, and never reads an unmapped variable", async () => {
    const env = { DB_SECRET: DB, OTHER: CANARY };
    const transport = envTransport({ map: { "prod/db": "DB_SECRET" }, env });

    const error = await rejectionOf(transport.getSecretValue({ id: "OTHER" }));

    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect((error as Error).message).toContain('"OTHER"');
    expect((error as Error).message).toContain("not mapped");
    expectNoLeak(error);
  });

  it("throws NOT_FOUND naming the variable and the id when the variable is unset", async () => {
    const transport = envTransport({ map: { "prod/db": "DB_SECRET" }, env: {} });

    const error = await rejectionOf(transport.getSecretValue({ id: "prod/db" }));

    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect((error as Error).message).toContain('"prod/db"');
    expect((error as Error).message).toContain("DB_SECRET");
    expect((error as { transport?: string }).transport).toBe("env");
  });

  it("throws NOT_FOUND for a version other than AWSCURRENT, without the value", async () => {
    const transport = envTransport({ map: { "prod/db": "DB_SECRET" }, env: { DB_SECRET: DB } });

    const stage = await rejectionOf(transport.getSecretValue({ id: "prod/db", versionStage: "AWSPREVIOUS" }));
    const version = await rejectionOf(transport.getSecretValue({ id: "prod/db", versionId: "v1" }));

    expect(isSecretsError(stage, "NOT_FOUND")).toBe(true);
    expect(isSecretsError(version, "NOT_FOUND")).toBe(true);
    expect((stage as Error).message).toContain("no such version");
    expectNoLeak(stage);
    expectNoLeak(version);
  });

  it("reads the variables at every read, so a changed environment shows", async () => {
    const env: Record<string, string | undefined> = { TOKEN: "one" };
    const secrets = createSecretsClient({ transport: envTransport({ map: { token: "TOKEN" }, env }) });
    expect(await secrets.getSecret("token")).toBe("one");

    env.TOKEN = "two";

    expect(await secrets.getSecret("token")).toBe("two");
  });

  it("reads process.env by default", async () => {
    process.env.SW_TEST_ENV_TRANSPORT = "from-process";
    try {
      const transport = envTransport({ map: { x: "SW_TEST_ENV_TRANSPORT" } });

      expect((await transport.getSecretValue({ id: "x" })).secretString).toBe("from-process");
    } finally {
      delete process.env.SW_TEST_ENV_TRANSPORT;
    }
  });

  it("throws ABORTED for a fired signal", async () => {
    const transport = envTransport({ map: { x: "X" }, env: { X: "1" } });

    const error = await rejectionOf(transport.getSecretValue({ id: "x", signal: AbortSignal.abort() }));

    expect(isSecretsError(error, "ABORTED")).toBe(true);
  });

  it("refuses a non-string value in env as an ArgumentError", async () => {
    const transport = envTransport({ map: { x: "X" }, env: { X: 42 as unknown as string } });

    expect(await rejectionOf(transport.getSecretValue({ id: "x" }))).toBeInstanceOf(ArgumentError);
  });
});

describe("envTransport: the map from SECRETWRANGLER_ENV_MAP", () => {
  it("reads a JSON object", async () => {
    const transport = envTransport({
      env: { [ENV_MAP_VARIABLE]: ' {"prod/db":"DB_SECRET"} ', DB_SECRET: DB },
    });

    expect((await transport.getSecretValue({ id: "prod/db" })).secretString).toBe(DB);
  });

  it("reads a list of id=VARIABLE items, ids with = and +, spaces and a trailing comma", async () => {
    const transport = envTransport({
      env: { [ENV_MAP_VARIABLE]: " prod/db = DB_SECRET , a=b+c=ABC ,", DB_SECRET: DB, ABC: "abc" },
    });

    expect((await transport.getSecretValue({ id: "prod/db" })).secretString).toBe(DB);
    expect((await transport.getSecretValue({ id: "a=b+c" })).secretString).toBe("abc");
  });

  it("lets the map option win over the variable", async () => {
    const transport = envTransport({ map: { y: "Y" }, env: { [ENV_MAP_VARIABLE]: "x=X", X: "1", Y: "2" } });

    expect(isSecretsError(await rejectionOf(transport.getSecretValue({ id: "x" })), "NOT_FOUND")).toBe(true);
    expect((await transport.getSecretValue({ id: "y" })).secretString).toBe("2");
  });

  it.each([
    [undefined, "is not set"],
    ["  ", "is not set"],
    ['{"prod/db":', "is not valid JSON"],
    ["[1,2]", "is not a JSON object"],
    ['["a"]', "is not a JSON object"],
    ["[", "is not valid JSON"],
    ['{"prod/db": 1}', "not an environment variable name"],
    ['{"": "X"}', "empty secret id"],
    ["{}", "maps no secret id"],
    [",,", "maps no secret id"],
    ["prod/db", 'without "="'],
    ["prod/db=1BAD", "not an environment variable name"],
    ["prod/db=DB-SECRET", "not an environment variable name"],
    ["=X", "empty secret id"],
    ["a=X,a=Y", 'maps "a" twice'],
  ])("refuses %j with CONFIG naming the variable", (text, detail) => {
    let caught: unknown;
    try {
      envTransport({ env: text === undefined ? {} : { [ENV_MAP_VARIABLE]: text } });
    } catch (error) {
      caught = error;
    }

    expect(isSecretsError(caught, "CONFIG"), String(caught)).toBe(true);
    expect((caught as Error).message).toContain(ENV_MAP_VARIABLE);
    expect((caught as Error).message).toContain(detail);
  });

  it("refuses a JSON object that is not one as CONFIG", () => {
    expect(() => envTransport({ env: { [ENV_MAP_VARIABLE]: "{ not json" } })).toThrow(/is not valid JSON/);
  });

  it("never quotes the map variable's content in its error", () => {
    let caught: unknown;
    try {
      envTransport({ env: { [ENV_MAP_VARIABLE]: `{"a": "${CANARY}` } });
    } catch (error) {
      caught = error;
    }

    expect(isSecretsError(caught, "CONFIG")).toBe(true);
    expectNoLeak(caught);
  });
});

describe("envTransport: refused options are ArgumentErrors", () => {
  it.each([
    ["options null", null],
    ["options an array", []],
    ["env null", { env: null }],
    ["env a string", { env: "X=1" }],
    ["env an array", { env: [] }],
    ["map a string", { map: "prod/db=DB" }],
    ["map null", { map: null }],
    ["map an array", { map: [["a", "B"]] }],
    ["map empty", { map: {} }],
    ["map with an empty id", { map: { "": "X" } }],
    ["map to a bad variable name", { map: { a: "NOT-A-NAME" } }],
    ["map to a non-string", { map: { a: 1 } }],
  ])("refuses %s", (_, options) => {
    expect(() => envTransport(options as never)).toThrow(ArgumentError);
  });
});

describe("the env spec", () => {
  it("parses `env`, which takes no argument", () => {
    expect(parseTransportSpec("env", "option")).toMatchObject({ name: "env", argument: "", aws: false });
    expect(() => parseTransportSpec("env:prod/db=X", "option")).toThrow(ArgumentError);
  });

  it("builds the env transport with the map from SECRETWRANGLER_ENV_MAP", async () => {
    process.env[ENV_MAP_VARIABLE] = "prod/db=SW_TEST_SPEC_DB";
    process.env.SW_TEST_SPEC_DB = DB;
    try {
      const secrets = createSecretsClient({ transport: "env" as never });

      expect(secrets.transport.name).toBe("env");
      expect(await secrets.getSecretJson("prod/db")).toEqual({ username: "app", password: CANARY });
      expect(resolveTransport("env" as never).name).toBe("env");
    } finally {
      delete process.env.SW_TEST_SPEC_DB;
    }
  });

  it("refuses `env` without SECRETWRANGLER_ENV_MAP with CONFIG", () => {
    delete process.env[ENV_MAP_VARIABLE];
    let caught: unknown;
    try {
      resolveTransport("env" as never);
    } catch (error) {
      caught = error;
    }

    expect(isSecretsError(caught, "CONFIG")).toBe(true);
    expect((caught as Error).message).toContain(ENV_MAP_VARIABLE);
  });
});
