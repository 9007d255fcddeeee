/**
 * The Oracle family (any RDS edition). Its secret type and schema, the `oracledb` adapter (Easy
 * Connect; Oracle has no connection URL), its login code and its defaults.
 */
import type { z } from "zod";
import {
  bracketHost,
  type DbFamily,
  type DbFamilyFacts,
  type DbSecretBase,
  familyGuard,
  familySchema,
} from "../shared.js";

/** Oracle. `dbname` (the service name) is required. */
export interface OracleSecret extends DbSecretBase {
  readonly engine: "oracle";
  readonly dbname: string;
}

const FACTS: DbFamilyFacts<"oracle", OracleSecret["engine"]> = {
  family: "oracle",
  engines: { oracle: { defaultPort: 1521, requiresDbname: true } },
  aliases: {
    "oracle-ee": "oracle",
    "oracle-se2": "oracle",
    "oracle-ee-cdb": "oracle",
    "oracle-se2-cdb": "oracle",
    "custom-oracle-ee": "oracle",
  },
};

/**
 * Oracle (any RDS edition). `dbname` (the service name) is required.
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/oracle', { schema: oracleSecretSchema });
 * ```
 */
export const oracleSecretSchema: z.ZodType<OracleSecret> = familySchema<OracleSecret>(FACTS);

/** The Oracle family, for the engine table. No `url`: `connectionUrl` refuses an Oracle secret. */
export const oracleFamily: DbFamily<"oracle", OracleSecret> = {
  ...FACTS,
  schema: oracleSecretSchema,
  // node-oracledb: ORA-01017 invalid username/password.
  authErrorCode: ({ code, errorNum }) => (errorNum === 1017 || code === "ORA-01017" ? "ORA-01017" : undefined),
};

/** Options of {@link oracledbOptions}. */
export interface OracledbAdapterOptions {
  /** Overrides the secret's `ssl`: `true` connects with `tcps://` (configure the wallet in oracledb). */
  readonly ssl?: boolean | undefined;
}

/** The part of node-oracledb's connection attributes a DB secret decides. */
export interface OracledbConnectionOptions {
  user: string;
  password: string;
  /** Easy Connect: `[tcps://]host:port/service`. */
  connectString: string;
}

const assertOracle = familyGuard([oracleFamily], "oracledbOptions");

/**
 * Connection attributes for `oracledb` (`oracledb.getConnection(...)`, `createPool(...)`), from an
 * Oracle secret: Easy Connect with the secret's `dbname` as the service name.
 *
 * @example
 * ```ts
 * const db = await getDbSecret('prod/oracle', { engine: 'oracle', client: secrets });
 * const connection = await oracledb.getConnection(oracledbOptions(db));
 * ```
 */
export function oracledbOptions(db: OracleSecret, options: OracledbAdapterOptions = {}): OracledbConnectionOptions {
  assertOracle(db);
  const protocol = (options.ssl ?? db.ssl) ? "tcps://" : "";
  return {
    user: db.username,
    password: db.password,
    connectString: `${protocol}${bracketHost(db.host)}:${db.port}/${db.dbname}`,
  };
}
