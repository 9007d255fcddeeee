/**
 * A complete custom transport: secrets from environment variables, e.g. the ones ECS or Kubernetes
 * inject (`prod/db` is read from `SECRET_PROD_DB`). It implements the one required method and
 * throws value-free `SecretsError`s, so the client's JSON parsing, schemas, batch reads and error
 * codes all work on top of it. `examples/custom-transport.ts` uses it; the transport contract
 * suite runs on it in `test/examples.test.ts`.
 */
import { type SecretRecord, SecretsError, type SecretsErrorCode, type Transport } from "secretwrangler";
import type { SecretRequest } from "secretwrangler/transports";

const TRANSPORT_NAME = "env";

/** Options of {@link envTransport}. */
export interface EnvTransportOptions {
  /** Where to read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Prefix of the variable names. @default "SECRET_" */
  readonly prefix?: string | undefined;
}

/** `prod/db-main` -> `SECRET_PROD_DB_MAIN`. */
function variableName(prefix: string, id: string): string {
  return prefix + id.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** A transport that reads secrets from environment variables: AWSCURRENT only, text only. */
export function envTransport(options: EnvTransportOptions = {}): Transport {
  const env = options.env ?? process.env;
  const prefix = options.prefix ?? "SECRET_";

  // Messages name the id, the variable and the transport; never a value.
  const fail = (code: SecretsErrorCode, id: string, detail: string): SecretsError =>
    new SecretsError({ code, operation: "getSecretValue", secretId: id, transport: TRANSPORT_NAME, detail });

  return {
    name: TRANSPORT_NAME,
    cacheByDefault: false, // the values are in memory already: a cache would only copy them
    async getSecretValue(request: SecretRequest): Promise<SecretRecord> {
      if (request.signal?.aborted) throw fail("ABORTED", request.id, "the signal fired");
      const variable = variableName(prefix, request.id);
      const value = env[variable];
      if (value === undefined) throw fail("NOT_FOUND", request.id, `${variable} is not set`);
      const stage = request.versionStage ?? "AWSCURRENT";
      if (request.versionId !== undefined || stage !== "AWSCURRENT") {
        throw fail("NOT_FOUND", request.id, "environment variables hold only AWSCURRENT");
      }
      return { name: request.id, versionStages: ["AWSCURRENT"], secretString: value };
    },
  };
}
