/** Types of the DB secret API: the engine named by the caller narrows every result. */

import type { PoolOptions } from "mysql2";
import type { PoolConfig } from "pg";
import { describe, expectTypeOf, it } from "vitest";
import type { SecretsClient } from "../src/client/client.js";
import {
  connectionUrl,
  connectWithDbSecret,
  createDbSecretSchema,
  type DB_ENGINES,
  type DbEngine,
  type DbEngineFamily,
  type DbEngineInfo,
  type DbSecret,
  type DbSecretByEngine,
  type DbSecretFor,
  getDbSecret,
  type MongoSecret,
  type MySqlSecret,
  mysql2Options,
  type OracleSecret,
  oracledbOptions,
  type PostgresSecret,
  parseDbSecret,
  pgOptions,
  postgresSecretSchema,
  type RedshiftSecret,
  type SqlServerSecret,
  type UrlDbSecret,
} from "../src/db.js";

declare const secrets: SecretsClient;

describe("getDbSecret", () => {
  it("returns the union of every engine's secret when no engine is named", () => {
    expectTypeOf(getDbSecret("prod/db")).resolves.toEqualTypeOf<DbSecret>();
  });

  it("narrows to the named engine's family", () => {
    expectTypeOf(
      getDbSecret("a", { engine: "aurora-postgresql", client: secrets }),
    ).resolves.toEqualTypeOf<PostgresSecret>();
    expectTypeOf(getDbSecret("a", { engine: "mariadb", client: secrets })).resolves.toEqualTypeOf<MySqlSecret>();
    expectTypeOf(getDbSecret("a", { engine: "sqlserver", client: secrets })).resolves.toEqualTypeOf<SqlServerSecret>();
    expectTypeOf(getDbSecret("a", { engine: "redshift", client: secrets })).resolves.toEqualTypeOf<RedshiftSecret>();
    expectTypeOf(getDbSecret("a", { engine: "mongo", client: secrets })).resolves.toEqualTypeOf<MongoSecret>();
  });

  it("takes read options and the client next to the engine and the defaults", () => {
    expectTypeOf(getDbSecret).parameter(1).toMatchTypeOf<
      | {
          forceRefresh?: boolean | undefined;
          versionStage?: string | undefined;
          defaults?: { port?: number };
          client?: SecretsClient | undefined;
        }
      | undefined
    >();
  });

  it("accepts only canonical engine names as the option", () => {
    // @ts-expect-error: "postgresql" is a spelling the secret may use, not an engine option
    void getDbSecret("a", { engine: "postgresql" });
  });
});

describe("a DB secret", () => {
  it("narrows on engine", () => {
    const db = {} as DbSecret;
    if (db.engine === "mongo") expectTypeOf(db).toEqualTypeOf<MongoSecret>();
    if (db.engine === "aurora-mysql") expectTypeOf(db).toEqualTypeOf<MySqlSecret>();
  });

  it("has a port number and, for PostgreSQL, always a database", () => {
    expectTypeOf<PostgresSecret["port"]>().toEqualTypeOf<number>();
    expectTypeOf<PostgresSecret["dbname"]>().toEqualTypeOf<string>();
    expectTypeOf<MySqlSecret["dbname"]>().toEqualTypeOf<string | undefined>();
  });
});

describe("the adapters", () => {
  it("accept only secrets their driver can use", () => {
    const mysql = {} as MySqlSecret;
    const oracle = {} as OracleSecret;
    const redshift = {} as RedshiftSecret;

    expectTypeOf(pgOptions(redshift).port).toEqualTypeOf<number>();
    expectTypeOf(oracledbOptions(oracle).connectString).toEqualTypeOf<string>();
    // @ts-expect-error: pg cannot talk to MySQL
    pgOptions(mysql);
    // @ts-expect-error: mysql2 cannot talk to Oracle
    mysql2Options(oracle);
    // @ts-expect-error: Oracle has no connection URL
    connectionUrl(oracle);
  });

  it("return objects that spread into the drivers' own option types, TLS options included", () => {
    const mysql = {} as MySqlSecret;
    const postgres = {} as PostgresSecret;

    expectTypeOf({ ...mysql2Options(mysql), connectionLimit: 10 }).toMatchTypeOf<PoolOptions>();
    expectTypeOf(mysql2Options(mysql, { ssl: { ca: "pem", rejectUnauthorized: true } })).toMatchTypeOf<PoolOptions>();
    expectTypeOf({ ...pgOptions(postgres, { ssl: { ca: "pem" } }), max: 10 }).toMatchTypeOf<PoolConfig>();
  });

  it("need a narrowed secret", () => {
    const db = {} as DbSecret;
    // @ts-expect-error: narrow on engine (or name it in getDbSecret) first
    pgOptions(db);
  });
});

describe("parseDbSecret and the schemas", () => {
  it("type the result from the engine option", () => {
    expectTypeOf(parseDbSecret("{}", { engine: "oracle" })).resolves.toEqualTypeOf<OracleSecret>();
    expectTypeOf(parseDbSecret({})).resolves.toEqualTypeOf<DbSecret>();
  });

  it("are Standard Schemas whose output types getSecretJson", () => {
    expectTypeOf(secrets.getSecretJson("a", { schema: postgresSecretSchema })).resolves.toEqualTypeOf<PostgresSecret>();
    expectTypeOf(
      secrets.getSecretJson("a", { schema: createDbSecretSchema({ engine: "mysql" }) }),
    ).resolves.toEqualTypeOf<MySqlSecret>();
  });
});

describe("connectWithDbSecret", () => {
  it("hands connect the named engine's secret and returns what connect returns", () => {
    const result = connectWithDbSecret(
      "prod/db",
      async (db) => {
        expectTypeOf(db).toEqualTypeOf<PostgresSecret>();
        return 42;
      },
      { engine: "postgres" },
    );

    expectTypeOf(result).resolves.toEqualTypeOf<number>();
  });
});

describe("the types derived from the engine table", () => {
  it("list every engine and family", () => {
    expectTypeOf<DbEngine>().toEqualTypeOf<
      | "postgres"
      | "aurora-postgresql"
      | "mysql"
      | "aurora-mysql"
      | "mariadb"
      | "sqlserver"
      | "oracle"
      | "redshift"
      | "mongo"
    >();
    expectTypeOf<DbEngineFamily>().toEqualTypeOf<
      "postgres" | "mysql" | "sqlserver" | "oracle" | "redshift" | "mongo"
    >();
    expectTypeOf<keyof typeof DB_ENGINES>().toEqualTypeOf<DbEngine>();
    expectTypeOf<DbEngineInfo["family"]>().toEqualTypeOf<DbEngineFamily>();
  });

  it("map each engine to its family's secret", () => {
    expectTypeOf<DbSecretByEngine["aurora-postgresql"]>().toEqualTypeOf<PostgresSecret>();
    expectTypeOf<DbSecretByEngine["mariadb"]>().toEqualTypeOf<MySqlSecret>();
    expectTypeOf<DbSecretByEngine["oracle"]>().toEqualTypeOf<OracleSecret>();
    expectTypeOf<DbSecretFor<"redshift">>().toEqualTypeOf<RedshiftSecret>();
    expectTypeOf<DbSecretFor<undefined>>().toEqualTypeOf<DbSecret>();
    expectTypeOf<DbSecret>().toEqualTypeOf<
      PostgresSecret | MySqlSecret | SqlServerSecret | OracleSecret | RedshiftSecret | MongoSecret
    >();
  });

  it("give connectionUrl every family with a URL, and not Oracle", () => {
    expectTypeOf<UrlDbSecret>().toEqualTypeOf<
      PostgresSecret | MySqlSecret | SqlServerSecret | RedshiftSecret | MongoSecret
    >();
  });
});
