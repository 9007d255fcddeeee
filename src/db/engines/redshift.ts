/**
 * The Redshift family: Amazon Redshift, provisioned or Serverless. It speaks the PostgreSQL protocol,
 * so it connects with `pgOptions` (in `postgres.ts`) and shares the `postgresql://` URL and the
 * SQLSTATE login codes with the postgres family (both in `../shared.ts`).
 */
import type { z } from "zod";
import {
  type DbFamilyFacts,
  type DbSecretBase,
  type DbUrlFamily,
  familySchema,
  postgresqlUrl,
  sqlStateAuthErrorCode,
} from "../shared.js";

/**
 * Amazon Redshift, provisioned (`dbClusterIdentifier` in `extra`) or Serverless (`namespaceName` in
 * `extra`). `dbname` defaults to `dev`.
 */
export interface RedshiftSecret extends DbSecretBase {
  readonly engine: "redshift";
  readonly dbname: string;
}

const FACTS: DbFamilyFacts<"redshift", RedshiftSecret["engine"]> = {
  family: "redshift",
  engines: { redshift: { defaultPort: 5439, defaultDbname: "dev" } },
  aliases: { "redshift-serverless": "redshift" },
};

/**
 * Amazon Redshift, provisioned or Serverless. A secret without `engine` is taken as `redshift`.
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/warehouse', { schema: redshiftSecretSchema });
 * ```
 */
export const redshiftSecretSchema: z.ZodType<RedshiftSecret> = familySchema<RedshiftSecret>(FACTS);

/** The Redshift family, for the engine table. */
export const redshiftFamily: DbUrlFamily<"redshift", RedshiftSecret> = {
  ...FACTS,
  schema: redshiftSecretSchema,
  url: postgresqlUrl,
  authErrorCode: sqlStateAuthErrorCode,
};
