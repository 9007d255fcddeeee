/** The driver adapters, connection URLs and auth-error recognition, without a database. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSecretsError } from "../src/core/errors.js";
import {
  connectionUrl,
  type DbSecret,
  isDbAuthError,
  type MongoSecret,
  type MySqlSecret,
  mssqlOptions,
  mysql2Options,
  type OracleSecret,
  oracledbOptions,
  type PostgresSecret,
  pgOptions,
  type SqlServerSecret,
} from "../src/db.js";
import { expectNoLeak } from "./helpers/canary.js";

const AWKWARD = "p@ss:w/rd %41#frag?x=1&y=+ [é];'()*!";
const base = { host: "db.example", username: "app", password: AWKWARD, extra: {} };
const postgres: PostgresSecret = { ...base, engine: "postgres", port: 5432, dbname: "orders db" };
const mariadb: MySqlSecret = { ...base, engine: "mariadb", port: 3306, dbname: "shop" };
const sqlserver: SqlServerSecret = { ...base, engine: "sqlserver", port: 1433, dbname: "master" };
const oracle: OracleSecret = { ...base, engine: "oracle", port: 1521, dbname: "ORCL" };
const mongo: MongoSecret = { ...base, engine: "mongo", port: 27017 };

describe("pgOptions", () => {
  it("maps the secret to pg's option names", () => {
    const options = pgOptions(postgres);

    expect(options).toEqual({ host: "db.example", port: 5432, user: "app", password: AWKWARD, database: "orders db" });
  });

  it("turns the secret's ssl into pg's, and lets the caller's TLS options win as a fresh copy", () => {
    const tls = { ca: "-----BEGIN CERTIFICATE-----" };

    const fromSecret = pgOptions({ ...postgres, ssl: true });
    const fromCaller = pgOptions({ ...postgres, ssl: false }, { ssl: tls });

    expect(fromSecret.ssl).toBe(true);
    expect(fromCaller.ssl).toEqual(tls);
    expect(fromCaller.ssl).not.toBe(tls);
  });

  it("returns a new, mutable object each call, though the secret is frozen", () => {
    const frozen = Object.freeze({ ...postgres });

    const options = pgOptions(frozen);
    options.password = "changed";

    expect(pgOptions(frozen).password).toBe(AWKWARD);
  });
});

describe("mysql2Options", () => {
  it("maps the secret to mysql2's option names, with no database when the secret names none", () => {
    const withDb = mysql2Options(mariadb);
    const withoutDb = mysql2Options({ ...mariadb, dbname: undefined });

    expect(withDb).toEqual({ host: "db.example", port: 3306, user: "app", password: AWKWARD, database: "shop" });
    expect(withoutDb).not.toHaveProperty("database");
  });

  it("turns ssl true into verified TLS and passes a profile name or TLS options through", () => {
    expect(mysql2Options({ ...mariadb, ssl: true }).ssl).toEqual({ rejectUnauthorized: true });
    expect(mysql2Options({ ...mariadb, ssl: true }, { ssl: false })).not.toHaveProperty("ssl");
    expect(mysql2Options(mariadb, { ssl: "Amazon RDS" }).ssl).toBe("Amazon RDS");
    expect(mysql2Options(mariadb, { ssl: { ca: "pem" } }).ssl).toEqual({ ca: "pem" });
  });
});

describe("mssqlOptions", () => {
  it("maps the secret to mssql's config, encrypting by default", () => {
    const options = mssqlOptions(sqlserver);

    expect(options).toEqual({
      server: "db.example",
      port: 1433,
      user: "app",
      password: AWKWARD,
      database: "master",
      options: { encrypt: true, trustServerCertificate: false },
    });
  });

  it("follows the secret's ssl, and the caller's options over it", () => {
    expect(mssqlOptions({ ...sqlserver, ssl: false }).options.encrypt).toBe(false);
    expect(mssqlOptions({ ...sqlserver, ssl: false }, { encrypt: true, trustServerCertificate: true }).options).toEqual(
      { encrypt: true, trustServerCertificate: true },
    );
  });
});

describe("oracledbOptions", () => {
  it("builds an Easy Connect string with the service name, tcps:// for TLS and brackets for IPv6", () => {
    expect(oracledbOptions(oracle)).toEqual({ user: "app", password: AWKWARD, connectString: "db.example:1521/ORCL" });
    expect(oracledbOptions({ ...oracle, host: "2001:db8::5", ssl: true }).connectString).toBe(
      "tcps://[2001:db8::5]:1521/ORCL",
    );
  });
});

describe("the adapters called with another engine's secret (plain JavaScript)", () => {
  it.each([
    ["pgOptions", () => pgOptions(mariadb as unknown as PostgresSecret)],
    ["mysql2Options", () => mysql2Options(postgres as unknown as MySqlSecret)],
    ["mssqlOptions", () => mssqlOptions(oracle as unknown as SqlServerSecret)],
    ["oracledbOptions", () => oracledbOptions(mongo as unknown as OracleSecret)],
    ["connectionUrl", () => connectionUrl(oracle as unknown as PostgresSecret)],
  ])("%s fails with CONFIG naming the engines, not the values", (_name, call) => {
    let error: unknown;
    try {
      call();
    } catch (caught) {
      error = caught;
    }

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expectNoLeak(error, [AWKWARD]);
  });

  it("names the families the adapter takes", () => {
    expect(() => pgOptions(mariadb as unknown as PostgresSecret)).toThrow(
      "pgOptions needs a postgres or redshift secret",
    );
    expect(() => connectionUrl(oracle as unknown as PostgresSecret)).toThrow(
      /needs a .*redshift.* secret, not oracle$/,
    );
  });
});

describe("connectionUrl", () => {
  it.each<[string, DbSecret, Parameters<typeof connectionUrl>[1], string]>([
    [
      "postgres: every part encoded",
      postgres,
      {},
      "postgresql://app:p%40ss%3Aw%2Frd%20%2541%23frag%3Fx%3D1%26y%3D%2B%20%5B%C3%A9%5D%3B%27%28%29%2A%21@db.example:5432/orders%20db",
    ],
    [
      "redshift: the postgresql scheme, sslmode from the secret",
      { ...base, engine: "redshift", port: 5439, dbname: "dev", password: "pw", ssl: true },
      {},
      "postgresql://app:pw@db.example:5439/dev?sslmode=verify-full",
    ],
    [
      "mariadb: the mysql scheme, no path without a database",
      { ...mariadb, dbname: undefined, password: "pw" },
      {},
      "mysql://app:pw@db.example:3306",
    ],
    [
      "mysql: mysql2's ssl parameter",
      { ...mariadb, password: "pw" },
      { ssl: true },
      "mysql://app:pw@db.example:3306/shop?ssl=%7B%22rejectUnauthorized%22%3Atrue%7D",
    ],
    [
      "mongo: tls and extra parameters after a /",
      { ...mongo, password: "pw" },
      { ssl: true, params: { replicaSet: "rs0", readPreference: "secondaryPreferred", retryWrites: false } },
      "mongodb://app:pw@db.example:27017/?tls=true&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false",
    ],
    [
      "mongo+srv: no port",
      { ...mongo, host: "cluster0.abcde.mongodb.net", password: "pw", dbname: "app" },
      { srv: true },
      "mongodb+srv://app:pw@cluster0.abcde.mongodb.net/app",
    ],
    [
      "an IPv6 host in brackets, a zone id's % encoded",
      { ...postgres, host: "fe80::1%eth0", password: "pw", dbname: "db" },
      {},
      "postgresql://app:pw@[fe80::1%25eth0]:5432/db",
    ],
    [
      "sqlserver: the key=value form with braced values",
      { ...sqlserver, username: "app;x", password: "p}w{d;=" },
      { params: { trustServerCertificate: true, applicationName: "my app" } },
      "sqlserver://db.example:1433;database={master};user={app;x};password={p}}w{d;=};trustServerCertificate=true;applicationName={my app}",
    ],
  ])("%s", (_name, db, options, expected) => {
    const url = connectionUrl(db as Parameters<typeof connectionUrl>[0], options);

    expect(url).toBe(expected);
  });

  it("round-trips any username, password and database name through a URL parser", () => {
    const text = fc.string({ unit: "binary", minLength: 1 }).filter((value) => !/\p{Cs}/u.test(value));

    fc.assert(
      fc.property(text, text, text, (username, password, dbname) => {
        const url = new URL(connectionUrl({ ...postgres, username, password, dbname }));

        expect(decodeURIComponent(url.username)).toBe(username);
        expect(decodeURIComponent(url.password)).toBe(password);
        expect(decodeURIComponent(url.pathname.slice(1))).toBe(dbname);
        expect(url.host).toBe("db.example:5432");
      }),
    );
  });
});

describe("isDbAuthError", () => {
  it("does not take PostgreSQL 28000 for a pg_hba.conf or SSL refusal, which new credentials cannot fix", () => {
    const hba = Object.assign(new Error('no pg_hba.conf entry for host "10.0.0.1", user "app"'), { code: "28000" });
    const role = Object.assign(new Error('role "app" is not permitted to log in'), { code: "28000" });

    expect(isDbAuthError(hba)).toBe(false);
    expect(isDbAuthError(role)).toBe(true);
  });

  it.each<[string, unknown]>([
    ["pg: password authentication failed (28P01)", { code: "28P01", severity: "FATAL" }],
    ["pg: role does not exist / no pg_hba entry (28000)", { code: "28000" }],
    ["mysql2 / mariadb: ER_ACCESS_DENIED_ERROR (1045)", { code: "ER_ACCESS_DENIED_ERROR", errno: 1045 }],
    ["mssql: ELOGIN wrapping tedious", { code: "ELOGIN", message: "Login failed for user 'app'.", originalError: {} }],
    ["msnodesqlv8: 18456", { code: 18456 }],
    ["oracledb: ORA-01017", { errorNum: 1017, code: "ORA-01017" }],
    ["mongodb: AuthenticationFailed", { code: 18, codeName: "AuthenticationFailed" }],
    ["Prisma: P1000", { errorCode: "P1000" }],
    ["a wrapper with the driver error as cause (knex, Drizzle)", new Error("wrapped", { cause: { code: "28P01" } })],
  ])("recognizes %s", (_name, error) => {
    expect(isDbAuthError(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })],
    ["pg: database does not exist (3D000)", { code: "3D000" }],
    ["mysql: access denied to a database (1044)", { code: "ER_DBACCESS_DENIED_ERROR", errno: 1044 }],
    ["mssql: a login error that is not about the password", { code: "ELOGIN", message: "Cannot open database" }],
    ["mongodb: code 18 without its codeName", { code: 18 }],
    ["nothing", undefined],
    ["a string", "28P01"],
  ])("does not mistake %s for one", (_name, error) => {
    expect(isDbAuthError(error)).toBe(false);
  });

  it("stops following causes after a few levels", () => {
    let error: unknown = { code: "28P01" };
    for (let level = 0; level < 10; level++) error = { cause: error };

    expect(isDbAuthError(error)).toBe(false);
  });
});
