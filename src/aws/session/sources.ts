/**
 * Where a session's credentials come from: explicit keys or a provider function, a named profile, or
 * the SDK's default provider chain. Profiles come from `@aws-sdk/credential-providers`, imported on
 * the first credential request, never at import time. The default chain is each SDK client's own
 * (it ships with the client); only `getCredentials()` of such a session needs the package.
 */
import { SecretsError } from "../../core/errors.js";
import { detachedCause } from "../errors.js";
import type { AwsCredentialsInput } from "../sdk-client.js";
import type { AwsCredentialsProvider } from "./credential-cache.js";
import { argumentError, SESSION, sessionError } from "./errors.js";
import { profileExists, sharedConfigPaths } from "./shared-config.js";

const PROVIDERS_PACKAGE = "@aws-sdk/credential-providers";

/** What decides a session's credentials. */
export interface SourceOptions {
  readonly credentials?: AwsCredentialsInput | undefined;
  readonly profile?: string | undefined;
  readonly region?: string | undefined;
  /** Passed to the SDK clients the providers build themselves (STS for `role_arn`, SSO, ...). */
  readonly clientConfig?: Readonly<Record<string, unknown>> | undefined;
}

/** A credential source: the uncached provider and a value-free description for logs. */
export interface CredentialSource {
  readonly provider: AwsCredentialsProvider;
  readonly description: string;
  /** The SDK default chain: clients resolve it themselves, so none is passed to them. */
  readonly clientChain?: boolean | undefined;
}

async function importProviders(neededFor: string): Promise<typeof import("@aws-sdk/credential-providers")> {
  try {
    return await import("@aws-sdk/credential-providers");
  } catch (error) {
    throw new SecretsError({
      code: "CONFIG",
      operation: "loadSdk",
      transport: SESSION,
      detail: `cannot load ${PROVIDERS_PACKAGE}, needed for ${neededFor}`,
      hint: `Install it (npm install ${PROVIDERS_PACKAGE}) or pass explicit credentials`,
      cause: detachedCause(error),
    });
  }
}

function credentialsError(error: unknown, profile: string | undefined): SecretsError {
  if (profile !== undefined && !profileExists(profile)) {
    const paths = sharedConfigPaths();
    return new SecretsError({
      code: "CREDENTIALS",
      operation: "loadCredentials",
      transport: SESSION,
      detail: `profile "${profile}" not found`,
      hint: `Looked in ${paths.config} and ${paths.credentials} (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)`,
      cause: detachedCause(error),
    });
  }
  const mapped = sessionError(error, "loadCredentials");
  if (profile === undefined || mapped.code !== "CREDENTIALS") return mapped;
  return new SecretsError({
    code: "CREDENTIALS",
    operation: "loadCredentials",
    transport: SESSION,
    detail: `profile "${profile}" yields no credentials`,
    cause: detachedCause(error),
  });
}

/** Throws `ArgumentError` for inputs that name two sources at once. */
export function assertOneSource(options: SourceOptions): void {
  if (options.credentials !== undefined && options.profile !== undefined) {
    throw argumentError("createSession", 'pass either "credentials" or "profile", not both');
  }
}

/** The source the options name: explicit credentials, a profile, or the default chain. */
export function credentialSource(options: SourceOptions): CredentialSource {
  assertOneSource(options);
  const { credentials, profile } = options;
  if (typeof credentials === "function") return { provider: credentials, description: "credential provider" };
  if (credentials !== undefined) return { provider: async () => credentials, description: "static credentials" };
  const clientConfig = {
    ...options.clientConfig,
    ...(options.region !== undefined && { region: options.region }),
    ...(profile !== undefined && { profile }),
  };
  let provider: AwsCredentialsProvider | undefined;
  return {
    description: profile === undefined ? "default chain" : `profile ${profile}`,
    clientChain: profile === undefined,
    async provider() {
      if (!provider) {
        const module = await importProviders(
          profile === undefined ? "getCredentials() of a default-chain session" : `profile "${profile}"`,
        );
        provider =
          profile === undefined
            ? module.fromNodeProviderChain({ clientConfig })
            : module.fromIni({ profile, clientConfig });
      }
      try {
        return await provider();
      } catch (error) {
        throw credentialsError(error, profile);
      }
    },
  };
}
