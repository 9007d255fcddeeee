/**
 * The one backend both libraries read from in `cache.bench.ts`: a loopback AWS JSON server (the
 * tests' `aws-json-server.ts`) answering Secrets Manager `GetSecretValue` and SSM `GetParameter`,
 * with an adjustable latency and a switch that makes it fail with a 500. Each answer carries a
 * new version id, so a reader can tell a refreshed value from a cached one.
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  type AwsJsonReply,
  type AwsJsonServer,
  awsError,
  startAwsJsonServer,
} from "../test/helpers/aws-json-server.js";

export interface BenchBackend {
  readonly server: AwsJsonServer;
  /** Milliseconds each answer waits. */
  latencyMs: number;
  /** Answer every request with a 500 `InternalServiceError` (transient for both libraries). */
  failing: boolean;
  /** Requests per operation since the last {@link BenchBackend.reset}. */
  count(operation: "GetSecretValue" | "GetParameter"): number;
  reset(): void;
}

/** Starts the backend; `secretValue` and `parameterValue` give the text for an id (undefined: not found). */
export async function startBenchBackend(
  secretValue: (id: string) => string | undefined,
  parameterValue: (name: string) => string | undefined,
): Promise<BenchBackend> {
  let version = 0;
  const reply = async (build: () => AwsJsonReply | undefined): Promise<AwsJsonReply> => {
    if (backend.latencyMs > 0) await sleep(backend.latencyMs);
    if (backend.failing) return awsError(500, "InternalServiceError", "the bench backend is failing");
    return build() ?? awsError(400, "ResourceNotFoundException", "not found");
  };
  const server = await startAwsJsonServer({
    GetSecretValue: (body) =>
      reply(() => {
        const id = String(body.SecretId);
        const value = secretValue(id);
        if (value === undefined) return undefined;
        version++;
        return {
          body: {
            ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}-AbCdEf`,
            Name: id,
            VersionId: `v${version}`,
            VersionStages: ["AWSCURRENT"],
            CreatedDate: 1_700_000_000,
            SecretString: value,
          },
        };
      }),
    GetParameter: (body) =>
      reply(() => {
        const name = String(body.Name);
        const value = parameterValue(name);
        if (value === undefined) return undefined;
        version++;
        return { body: { Parameter: { Name: name, Type: "String", Value: value, Version: version } } };
      }),
  });
  let offset = 0;
  const backend: BenchBackend = {
    server,
    latencyMs: 0,
    failing: false,
    count: (operation) => server.requests.slice(offset).filter((request) => request.operation === operation).length,
    reset() {
      offset = server.requests.length;
    },
  };
  return backend;
}
