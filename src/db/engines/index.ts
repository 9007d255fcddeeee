/**
 * The engine table: every engine family module once, and what is derived from the list, as values
 * (`DB_ENGINES`, the spellings) and as types (`DbEngine`, `DbEngineFamily`, `DbSecret`,
 * `DbSecretByEngine`). A new family is a module in this folder plus one line in `DB_FAMILIES`.
 */
import type { DbEngineFacts, DbEngineTable, DbFamily } from "../shared.js";
import { engineTable } from "../shared.js";
import { mongoFamily } from "./mongo.js";
import { mysqlFamily } from "./mysql.js";
import { oracleFamily } from "./oracle.js";
import { postgresFamily } from "./postgres.js";
import { redshiftFamily } from "./redshift.js";
import { sqlServerFamily } from "./sqlserver.js";

/**
 * Every engine family, once, in the order `DB_ENGINES` lists their engines and `isDbAuthError` asks
 * their recognizers. (`x as typeof x` spells each element's type out for `isolatedDeclarations`.)
 */
export const DB_FAMILIES = [
  postgresFamily as typeof postgresFamily,
  mysqlFamily as typeof mysqlFamily,
  sqlServerFamily as typeof sqlServerFamily,
  oracleFamily as typeof oracleFamily,
  redshiftFamily as typeof redshiftFamily,
  mongoFamily as typeof mongoFamily,
] as const;

/** One family module's descriptor, of any family in the table. */
export type DbFamilyModule = (typeof DB_FAMILIES)[number];

/** The secret type of a family descriptor (distributes over a union of them). */
export type SecretOfFamily<T> = T extends DbFamily<string, infer S> ? S : never;

/** Engines that speak one wire protocol and share one driver, e.g. `mysql2` for MySQL, Aurora MySQL and MariaDB. */
export type DbEngineFamily = DbFamilyModule["family"];

/** A parsed, validated DB secret of any engine. Narrow it on `engine`. */
export type DbSecret = SecretOfFamily<DbFamilyModule>;

/**
 * The canonical engine names, as Secrets Manager and RDS write them in a secret's `engine` field.
 * Other spellings (`postgresql`, `aurora`, `docdb`, `sqlserver-ee`, ...) are accepted on input and
 * normalized to one of these.
 */
export type DbEngine = DbSecret["engine"];

/** The member of the secret union `S` whose `engine` can be `E`. */
type SecretWithEngine<S, E> = S extends { readonly engine: infer Engines } ? (E extends Engines ? S : never) : never;

/** The parsed secret type for each engine a caller can name. */
export type DbSecretByEngine = { [E in DbEngine]: SecretWithEngine<DbSecret, E> };

/** The parsed secret type when the caller names engine `E`; any {@link DbSecret} when it names none. */
export type DbSecretFor<E extends DbEngine | undefined> = E extends DbEngine ? DbSecretByEngine[E] : DbSecret;

/** What an engine implies for a connection. */
export interface DbEngineInfo extends DbEngineFacts {
  readonly family: DbEngineFamily;
}

/** The engines of every family, looked up by any spelling. */
export const ENGINE_TABLE: DbEngineTable<DbFamilyModule, DbEngine> = engineTable<DbFamilyModule, DbEngine>(DB_FAMILIES);

/**
 * Per engine: family, default port, default database (AWS "JSON structure of Secrets Manager secrets").
 * @example
 * ```ts
 * DB_ENGINES['aurora-postgresql']; // { family: 'postgres', defaultPort: 5432, defaultDbname: 'postgres' }
 * ```
 */
export const DB_ENGINES: Readonly<Record<DbEngine, DbEngineInfo>> = ENGINE_TABLE.engines;

/** The canonical engine for a spelling (case-insensitive), or `undefined` when it is not a supported engine. */
export function canonicalEngine(name: string): DbEngine | undefined {
  return ENGINE_TABLE.canonical(name);
}
