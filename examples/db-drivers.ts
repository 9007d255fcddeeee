/**
 * The other drivers: what to hand mssql, oracledb, the MongoDB driver, knex and Prisma. Needs no
 * database: it parses sample secrets and prints the options with the password masked.
 *
 *   npx tsx examples/db-drivers.ts
 */
import { connectionUrl, mssqlOptions, oracledbOptions, parseDbSecret, pgOptions } from "secretwrangler/db";

const password = "p@ss:w/rd%#?";
const mask = (text: string): string => text.replaceAll(encodeURIComponent(password), "***").replaceAll(password, "***");

// SQL Server: new mssql.ConnectionPool(mssqlOptions(db)).connect()
const sqlserver = await parseDbSecret(
  { engine: "sqlserver-se", host: "mssql.example.internal", username: "app", password },
  { engine: "sqlserver" },
);
console.log("mssql:", mask(JSON.stringify(mssqlOptions(sqlserver))));
// Prisma's SQL Server URL: datasource url = connectionUrl(db)
console.log("prisma (sqlserver):", mask(connectionUrl(sqlserver, { params: { trustServerCertificate: false } })));

// Oracle: await oracledb.getConnection(oracledbOptions(db))
const oracle = await parseDbSecret(
  { engine: "oracle", host: "ora.example.internal", port: "1521", username: "app", password, dbname: "ORCL" },
  { engine: "oracle" },
);
console.log("oracledb:", mask(JSON.stringify(oracledbOptions(oracle))));

// DocumentDB: new MongoClient(connectionUrl(db, { ssl: true, params: { ... } }), { tlsCAFile })
const docdb = await parseDbSecret(
  { engine: "mongo", host: "docs.cluster-abc.us-east-1.docdb.amazonaws.com", username: "app", password, ssl: true },
  { engine: "mongo" },
);
const docdbParams = { replicaSet: "rs0", readPreference: "secondaryPreferred", retryWrites: false };
console.log("mongodb:", mask(connectionUrl(docdb, { params: docdbParams })));

// knex: knex({ client: 'pg', connection: pgOptions(db) }) or { connection: connectionUrl(db) }
// Prisma: new PrismaClient({ datasourceUrl: connectionUrl(db) })
const postgres = await parseDbSecret(
  { engine: "aurora-postgresql", host: "orders.cluster-abc.eu-west-1.rds.amazonaws.com", username: "app", password },
  { engine: "postgres" },
);
console.log("knex:", mask(JSON.stringify({ client: "pg", connection: pgOptions(postgres) })));
// Prisma reads sslmode=require (libpq's verify-full is what the ssl option adds for pg and knex).
console.log("prisma (postgresql):", mask(connectionUrl(postgres, { params: { sslmode: "require" } })));
