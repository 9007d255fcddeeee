/**
 * The DB secret schemas over the shapes real secrets have (AWS "JSON structure of Secrets Manager
 * secrets", the rotation function templates, RDS-managed secrets, hand-written ones), valid and
 * invalid, through `parseDbSecret` and `getDbSecret`.
 */
import { describe, expect, it } from "vitest";
import { createSecretsClient } from "../src/client/client.js";
import { isSecretsError, SecretsError } from "../src/core/errors.js";
import { DB_FAMILIES } from "../src/db/engines/index.js";
import {
  DB_ENGINES,
  type DbEngine,
  type DbSecretDefaults,
  getDbSecret,
  mongoSecretSchema,
  parseDbSecret,
  postgresSecretSchema,
  redshiftSecretSchema,
} from "../src/db.js";
import { memoryTransport } from "../src/transports/memory.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";

const RDS_HOST = "mydb.c9akciq32.us-east-1.rds.amazonaws.com";
const CLUSTER_HOST = "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com";

interface ValidCase {
  readonly name: string;
  readonly secret: Record<string, unknown>;
  readonly engine?: DbEngine;
  readonly defaults?: DbSecretDefaults;
  readonly expected: Record<string, unknown>;
}

const valid: readonly ValidCase[] = [
  {
    name: "RDS MySQL from the console (numeric port, dbInstanceIdentifier)",
    secret: {
      engine: "mysql",
      host: RDS_HOST,
      username: "admin",
      password: CANARY,
      dbname: "shop",
      port: 3306,
      dbInstanceIdentifier: "mydb",
    },
    expected: {
      engine: "mysql",
      host: RDS_HOST,
      port: 3306,
      username: "admin",
      password: CANARY,
      dbname: "shop",
      extra: { dbInstanceIdentifier: "mydb" },
    },
  },
  {
    name: "RDS MariaDB with the port as a string and no dbname",
    secret: { engine: "mariadb", host: RDS_HOST, username: "app", password: CANARY, port: "3307" },
    expected: { engine: "mariadb", port: 3307, extra: {} },
  },
  {
    name: "RDS PostgreSQL without dbname or port (defaults: postgres, 5432)",
    secret: { engine: "postgres", host: RDS_HOST, username: "app", password: CANARY },
    expected: { engine: "postgres", port: 5432, dbname: "postgres" },
  },
  {
    name: "Aurora PostgreSQL cluster secret (alternating users, masterarn)",
    secret: {
      dbClusterIdentifier: "orders",
      password: CANARY,
      dbname: "orders",
      engine: "aurora-postgresql",
      port: 5432,
      host: CLUSTER_HOST,
      username: "orders_clone",
      masterarn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-admin-AbCdEf",
    },
    expected: {
      engine: "aurora-postgresql",
      dbname: "orders",
      extra: {
        dbClusterIdentifier: "orders",
        masterarn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-admin-AbCdEf",
      },
    },
  },
  {
    name: 'Aurora MySQL 1 (engine "aurora")',
    secret: { engine: "aurora", host: CLUSTER_HOST, username: "admin", password: CANARY },
    expected: { engine: "aurora-mysql", port: 3306 },
  },
  {
    name: 'SQL Server with an RDS edition name ("sqlserver-se"), dbname defaults to master',
    secret: { engine: "sqlserver-se", host: RDS_HOST, username: "admin", password: CANARY },
    expected: { engine: "sqlserver", port: 1433, dbname: "master" },
  },
  {
    name: "Oracle with the service name as dbname",
    secret: { engine: "oracle", host: RDS_HOST, username: "admin", password: CANARY, dbname: "ORCL", port: "1521" },
    expected: { engine: "oracle", port: 1521, dbname: "ORCL" },
  },
  {
    name: "Redshift provisioned (dbClusterIdentifier), dbname defaults to dev",
    secret: {
      engine: "redshift",
      host: "warehouse.c9akciq32.us-east-1.redshift.amazonaws.com",
      username: "awsuser",
      password: CANARY,
      dbClusterIdentifier: "warehouse",
    },
    expected: { engine: "redshift", port: 5439, dbname: "dev", extra: { dbClusterIdentifier: "warehouse" } },
  },
  {
    name: "Redshift Serverless (namespaceName, workgroup endpoint)",
    secret: {
      engine: "redshift",
      host: "analytics.123456789012.us-east-1.redshift-serverless.amazonaws.com",
      username: "admin",
      password: CANARY,
      dbname: "analytics",
      namespaceName: "analytics-ns",
      port: 5439,
    },
    expected: { engine: "redshift", dbname: "analytics", extra: { namespaceName: "analytics-ns" } },
  },
  {
    name: 'DocumentDB ("mongo", ssl as a string)',
    secret: {
      engine: "mongo",
      host: "docs.cluster-c9akciq32.us-east-1.docdb.amazonaws.com",
      username: "docdb",
      password: CANARY,
      port: 27017,
      ssl: "TRUE",
    },
    expected: { engine: "mongo", port: 27017, ssl: true },
  },
  {
    name: "RDS-managed secret (rds!db-...): only username and password, connection details from defaults",
    secret: { username: "postgres", password: CANARY },
    engine: "aurora-postgresql",
    defaults: { host: CLUSTER_HOST, port: 5433, dbname: "orders", ssl: true },
    expected: {
      engine: "aurora-postgresql",
      host: CLUSTER_HOST,
      port: 5433,
      dbname: "orders",
      ssl: true,
      username: "postgres",
      extra: {},
    },
  },
  {
    name: "a field the secret has wins over the caller's default",
    secret: { engine: "mysql", host: RDS_HOST, username: "app", password: CANARY, port: 3310 },
    defaults: { host: "ignored.example", port: 3306, dbname: "shop" },
    expected: { host: RDS_HOST, port: 3310, dbname: "shop" },
  },
  {
    name: "hand-written: hostname, user, database, no engine (the caller names it)",
    secret: { hostname: "10.0.3.7", user: "app", password: CANARY, database: "app", port: "5432", sslmode: "require" },
    engine: "postgres",
    expected: { engine: "postgres", host: "10.0.3.7", username: "app", dbname: "app", extra: { sslmode: "require" } },
  },
  {
    name: "an IPv6 host in brackets, and nulls (Python's None) for absent fields",
    secret: {
      engine: "postgresql",
      host: "[2001:db8::1]",
      username: "app",
      password: CANARY,
      port: null,
      dbname: null,
    },
    expected: { engine: "postgres", host: "2001:db8::1", port: 5432, dbname: "postgres" },
  },
  {
    name: "an engine of the caller's family, kept as the secret says",
    secret: { engine: "mariadb", host: RDS_HOST, username: "app", password: CANARY },
    engine: "mysql",
    expected: { engine: "mariadb" },
  },
];

interface InvalidCase {
  readonly name: string;
  readonly secret: unknown;
  readonly engine?: DbEngine;
  readonly paths: readonly string[];
}

const invalid: readonly InvalidCase[] = [
  { name: "no password", secret: { engine: "mysql", host: RDS_HOST, username: CANARY }, paths: ["password"] },
  {
    name: "a port that is not a number",
    secret: { engine: "postgres", host: RDS_HOST, username: "app", password: CANARY, port: `54${CANARY}` },
    paths: ["port"],
  },
  {
    name: "a port out of range",
    secret: { engine: "postgres", host: RDS_HOST, username: "app", password: CANARY, port: 70000 },
    paths: ["port"],
  },
  {
    name: "an unsupported engine",
    secret: { engine: `cassandra-${CANARY}`, host: RDS_HOST, username: "app", password: CANARY },
    paths: ["engine"],
  },
  {
    name: "no engine, and the caller names none",
    secret: { host: RDS_HOST, username: "app", password: CANARY },
    paths: ["engine"],
  },
  {
    name: "an engine of another family than the caller expects",
    secret: { engine: "postgres", host: RDS_HOST, username: "app", password: CANARY },
    engine: "mysql",
    paths: ["engine"],
  },
  {
    name: "Oracle without a service name",
    secret: { engine: "oracle", host: RDS_HOST, username: "app", password: CANARY },
    paths: ["dbname"],
  },
  {
    name: "an RDS-managed secret without the connection defaults",
    secret: { username: "postgres", password: CANARY },
    engine: "postgres",
    paths: ["host"],
  },
  {
    name: "a host that would break a URL",
    secret: { engine: "mysql", host: `db/${CANARY}@evil.example`, username: "app", password: CANARY },
    paths: ["host"],
  },
  {
    name: "host and hostname that disagree",
    secret: { engine: "mysql", host: RDS_HOST, hostname: CANARY, username: "app", password: CANARY },
    paths: ["hostname"],
  },
  {
    name: "ssl that is neither true nor false",
    secret: { engine: "mongo", host: RDS_HOST, username: "app", password: CANARY, ssl: CANARY },
    paths: ["ssl"],
  },
  {
    name: "several problems at once, each named",
    secret: { engine: "mysql", host: "", username: 42, password: [CANARY], dbname: "" },
    paths: ["host", "username", "password", "dbname"],
  },
  {
    name: "a password with a lone UTF-16 surrogate (no driver or URL can carry it)",
    secret: JSON.parse(`{"engine":"mysql","host":"db","username":"app","password":"${CANARY}\\ud800"}`),
    paths: ["password"],
  },
  { name: "not an object", secret: [CANARY], paths: [""] },
];

describe("parseDbSecret", () => {
  it.each(valid)("accepts $name", async ({ secret, engine, defaults, expected }) => {
    const db = await parseDbSecret(secret, { engine, defaults });

    expect(db).toMatchObject(expected);
    expect(Object.isFrozen(db)).toBe(true);
  });

  it.each(invalid)("rejects $name with SCHEMA_MISMATCH naming the fields, not their values", async (row) => {
    const error = await rejectionOf(parseDbSecret(row.secret, { engine: row.engine }));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
    expect((error as SecretsError).issues?.map((issue) => issue.path.join("."))).toEqual(row.paths);
    expectNoLeak(error);
  });

  it("parses JSON text as SecretString holds it", async () => {
    const text = JSON.stringify({ engine: "postgres", host: RDS_HOST, username: "app", password: CANARY });

    const db = await parseDbSecret(text, { engine: "postgres" });

    expect(db).toMatchObject({ engine: "postgres", password: CANARY, port: 5432 });
  });

  it("rejects broken JSON text with NOT_JSON, without quoting it", async () => {
    const error = await rejectionOf(parseDbSecret(`{"password":"${CANARY}`));

    expect(isSecretsError(error, "NOT_JSON")).toBe(true);
    expectNoLeak(error);
  });

  it("refuses an engine option that is not a supported engine", async () => {
    const error = await rejectionOf(parseDbSecret({}, { engine: "cassandra" as DbEngine }));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
  });

  it("keeps unknown fields in extra, and drops a __proto__ key instead of following it", async () => {
    const text = `{"engine":"mysql","host":"${RDS_HOST}","username":"app","password":"${CANARY}","extra":"mine","__proto__":{"polluted":true}}`;

    const db = await parseDbSecret(text);

    expect(db.extra).toEqual({ extra: "mine" });
    expect(Object.getPrototypeOf(db.extra)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("the per-engine schemas", () => {
  it("compose into a bigger zod schema and name the nested path", () => {
    const result = postgresSecretSchema.array().safeParse([
      { host: RDS_HOST, username: "app", password: CANARY },
      { host: RDS_HOST, username: "app", password: CANARY, port: "x" },
    ]);

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([[1, "port"]]);
  });

  it("take a secret without an engine as their own engine", () => {
    const redshift = redshiftSecretSchema.parse({ host: "wh.example", username: "u", password: CANARY });
    const mongo = mongoSecretSchema.parse({ host: "docs.example", username: "u", password: CANARY });

    expect([redshift.engine, redshift.port, mongo.engine, mongo.port]).toEqual(["redshift", 5439, "mongo", 27017]);
  });
});

describe("getDbSecret", () => {
  const secretValue = { engine: "postgres", host: RDS_HOST, username: "app", password: CANARY, port: "5432" };

  it("reads, validates and normalizes the secret through the client's transport", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport({ "prod/db": secretValue }) });

    const db = await getDbSecret("prod/db", { engine: "postgres", client: secrets });

    expect(db).toEqual({ ...secretValue, port: 5432, dbname: "postgres", extra: {} });
  });

  it("validates each fetched version once: a cached read returns the same frozen object", async () => {
    const secrets = createSecretsClient({ transport: memoryTransport({ "prod/db": secretValue }), cache: {} });

    const first = await getDbSecret("prod/db", { defaults: { dbname: "app" }, client: secrets });
    const second = await getDbSecret("prod/db", { defaults: { dbname: "app" }, client: secrets });

    expect(second).toBe(first);
  });

  it("merges RDS-managed credentials with the caller's connection details", async () => {
    const id = "rds!cluster-3f1c2b5a-7d1e-4c59-9a36-3f0c8c1d2e4f";
    const secrets = createSecretsClient({
      transport: memoryTransport({ [id]: { username: "postgres", password: CANARY } }),
    });

    const db = await getDbSecret(id, {
      engine: "aurora-postgresql",
      defaults: { host: CLUSTER_HOST },
      client: secrets,
    });

    expect(db).toMatchObject({ engine: "aurora-postgresql", host: CLUSTER_HOST, port: 5432, password: CANARY });
  });

  it("fails with SCHEMA_MISMATCH naming the secret and the field, never the value", async () => {
    const secrets = createSecretsClient({
      transport: memoryTransport({ "prod/db": { ...secretValue, port: CANARY } }),
    });

    const error = await rejectionOf(getDbSecret("prod/db", { client: secrets }));

    expect(error).toBeInstanceOf(SecretsError);
    expect(error).toMatchObject({ code: "SCHEMA_MISMATCH", secretId: "prod/db", transport: "memory" });
    expect((error as SecretsError).issues).toEqual([{ path: ["port"], message: expect.stringContaining("port") }]);
    expectNoLeak(error);
  });
});

describe("host validation", () => {
  const base = { engine: "postgres", username: "u", password: "p", dbname: "d" };

  it.each(["db.example.com", "10.0.0.7", "::1", "[2001:db8::1]", "fe80::1%eth0"])("accepts %s", async (host) => {
    await expect(parseDbSecret({ ...base, host })).resolves.toMatchObject({ engine: "postgres" });
  });

  it.each(["db.example.com:5432", ":::", "db example.com", "user@db"])("rejects %s", async (host) => {
    const error = await rejectionOf(parseDbSecret({ ...base, host }));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
  });
});

describe("the engine table (src/db/engines/index.ts)", () => {
  const login = { host: RDS_HOST, username: "app", password: CANARY };

  it("lists every engine once with its family and defaults", () => {
    const postgres = { family: "postgres", defaultPort: 5432, defaultDbname: "postgres" };
    const mysql = { family: "mysql", defaultPort: 3306 };

    expect(DB_ENGINES).toEqual({
      postgres,
      "aurora-postgresql": postgres,
      mysql,
      "aurora-mysql": mysql,
      mariadb: mysql,
      sqlserver: { family: "sqlserver", defaultPort: 1433, defaultDbname: "master" },
      oracle: { family: "oracle", defaultPort: 1521, requiresDbname: true },
      redshift: { family: "redshift", defaultPort: 5439, defaultDbname: "dev" },
      mongo: { family: "mongo", defaultPort: 27017 },
    });
    expect(Object.isFrozen(DB_ENGINES.mariadb)).toBe(true);
  });

  it("gives each spelling to one family only", () => {
    const spellings = DB_FAMILIES.flatMap((family) => [...Object.keys(family.engines), ...Object.keys(family.aliases)]);

    expect(new Set(spellings).size).toBe(spellings.length);
  });

  it.each(
    DB_FAMILIES.flatMap((family) =>
      Object.entries<string>({
        ...Object.fromEntries(Object.keys(family.engines).map((engine) => [engine, engine])),
        ...family.aliases,
      }).map(([spelling, engine]) => ({ family: family.family, spelling, engine, schema: family.schema })),
    ),
  )(
    "normalizes $spelling to $engine, through parseDbSecret and the $family schema",
    async ({ family, spelling, engine, schema }) => {
      const secret = { ...login, engine: spelling.toUpperCase(), dbname: "db" };

      await expect(parseDbSecret(secret)).resolves.toMatchObject({ engine });
      expect(schema.parse(secret)).toMatchObject({ engine });
      expect(DB_ENGINES[engine as DbEngine].family).toBe(family);
    },
  );

  it.each(
    DB_FAMILIES.map((family) => ({
      family: family.family,
      schema: family.schema,
      first: Object.keys(family.engines)[0],
    })),
  )(
    "the $family schema takes a secret without engine as $first and refuses another family's engine",
    ({ family, schema, first }) => {
      const other = family === "mongo" ? "postgres" : "mongo";

      const parsed = schema.safeParse({ ...login, dbname: "db" });
      const refused = schema.safeParse({ ...login, dbname: "db", engine: other });

      expect(parsed.data).toMatchObject({ engine: first });
      expect(refused.error?.issues).toEqual([
        expect.objectContaining({ path: ["engine"], message: expect.stringContaining(`of the ${family} family`) }),
      ]);
    },
  );

  it("names the expected family when parseDbSecret gets another family's engine", async () => {
    const error = await rejectionOf(parseDbSecret({ ...login, engine: "mariadb" }, { engine: "postgres" }));

    expect((error as SecretsError).issues).toEqual([
      { path: ["engine"], message: "is a mysql engine, expected postgres" },
    ]);
  });
});
