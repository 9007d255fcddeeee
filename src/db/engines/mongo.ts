/**
 * The MongoDB family: MongoDB and Amazon DocumentDB. Its secret type and schema, its `mongodb://` /
 * `mongodb+srv://` URL (the driver takes a URI; there is no options adapter), its login code and
 * its defaults.
 */
import type { z } from "zod";
import { type DbFamilyFacts, type DbSecretBase, type DbUrlFamily, familySchema, hierarchicalUrl } from "../shared.js";

/** MongoDB and Amazon DocumentDB. `dbname`, when present, is the default (and authentication) database. */
export interface MongoSecret extends DbSecretBase {
  readonly engine: "mongo";
  readonly dbname?: string | undefined;
}

const FACTS: DbFamilyFacts<"mongo", MongoSecret["engine"]> = {
  family: "mongo",
  engines: { mongo: { defaultPort: 27017 } },
  aliases: { mongodb: "mongo", docdb: "mongo", documentdb: "mongo" },
};

/**
 * MongoDB / Amazon DocumentDB (`engine: "mongo"`, also `docdb`, `mongodb`).
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/docdb', { schema: mongoSecretSchema });
 * ```
 */
export const mongoSecretSchema: z.ZodType<MongoSecret> = familySchema<MongoSecret>(FACTS);

/** The MongoDB family, for the engine table. */
export const mongoFamily: DbUrlFamily<"mongo", MongoSecret> = {
  ...FACTS,
  schema: mongoSecretSchema,
  url: {
    tls: (ssl) => ({ tls: String(ssl) }),
    // mongodb+srv:// has no port: the driver looks up SRV records. A query needs a "/" before it.
    build: (db, params, options) => {
      const srv = options.srv === true;
      return hierarchicalUrl(srv ? "mongodb+srv" : "mongodb", db, params, { withPort: !srv, slashBeforeQuery: true });
    },
  },
  // MongoDB / DocumentDB: AuthenticationFailed.
  authErrorCode: ({ code, codeName }) =>
    code === 18 && codeName === "AuthenticationFailed" ? "AuthenticationFailed" : undefined,
};
