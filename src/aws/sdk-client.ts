/**
 * Builds AWS SDK v3 clients lazily: the SDK package is imported on the first call, never at import
 * time, so an application that only uses the agent transport never loads it. Shared by the Secrets
 * Manager and SSM transports.
 */
import { SecretsError } from "../core/errors.js";

/** Static or provider credentials, as the AWS SDK accepts them. */
export type AwsCredentialsInput =
  | {
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string | undefined;
      readonly expiration?: Date | undefined;
    }
  | (() => Promise<{
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string | undefined;
      readonly expiration?: Date | undefined;
    }>);

/** Anything that can build a configured SDK v3 client, such as an `AwsSession`. */
export interface AwsClientFactory {
  /** Builds `new ClientClass({ region, credentials, ...config })` for this session. */
  client<C>(ClientClass: new (config: never) => C, config?: Record<string, unknown>): C;
}

/** How an SDK-backed transport builds its client when none is given. */
export interface AwsClientConfigOptions {
  /** AWS region. @default the SDK's resolution (`AWS_REGION`, profile, ...) */
  readonly region?: string | undefined;
  /** Endpoint override, e.g. a loopback test server or a VPC endpoint. */
  readonly endpoint?: string | undefined;
  /** Credentials; without them the SDK's default provider chain is used. */
  readonly credentials?: AwsCredentialsInput | undefined;
  /** A session (`AwsSession`) that supplies region and credentials. */
  readonly session?: AwsClientFactory | undefined;
  /** Attempts per call, including the first, for the SDK's retry strategy. @default 3 */
  readonly maxAttempts?: number | undefined;
  /**
   * Milliseconds one HTTP attempt may take (socket connect and response) before it fails with
   * `TIMEOUT`; the SDK retries it within `maxAttempts`. @default the SDK's (none)
   */
  readonly requestTimeoutMs?: number | undefined;
  readonly client?: never;
}

/** A caller-built SDK client; then no other client option may be given. */
export interface AwsClientInstanceOption<C> {
  /** Your own, fully configured SDK client. */
  readonly client: C;
  readonly region?: never;
  readonly endpoint?: never;
  readonly credentials?: never;
  readonly session?: never;
  readonly maxAttempts?: never;
  readonly requestTimeoutMs?: never;
}

/** Either a client or the options to build one, never both. */
export type AwsClientOptions<C> = AwsClientConfigOptions | AwsClientInstanceOption<C>;

/** The pieces a transport needs to load its SDK package. */
export interface SdkModuleSpec<M, C> {
  /** Package name, for the "install it" error. */
  readonly packageName: string;
  /** The transport name, for errors. */
  readonly transport: string;
  /** Imports the package. */
  readonly load: () => Promise<M>;
  /** Picks the client class out of the module. */
  readonly clientClass: (module: M) => new (config: never) => C;
}

/**
 * Checks that own clients (`client`, or the keys in `clientKeys`) and the build options are not
 * mixed, nor a session and credentials; throws `CONFIG` naming the options.
 */
export function assertClientOptions(
  options: Record<string, unknown>,
  transport: string,
  clientKeys: readonly string[] = ["client"],
): void {
  if (options.session !== undefined && options.credentials !== undefined) {
    throw new SecretsError({
      code: "CONFIG",
      operation: "createTransport",
      transport,
      detail: 'pass either "session" or "credentials", not both',
    });
  }
  const clients = clientKeys.filter((key) => options[key] !== undefined);
  if (clients.length === 0) return;
  const mixed = ["region", "endpoint", "credentials", "session", "maxAttempts", "requestTimeoutMs"].filter(
    (key) => options[key] !== undefined,
  );
  if (mixed.length > 0) {
    throw new SecretsError({
      code: "CONFIG",
      operation: "createTransport",
      transport,
      detail: `pass either ${clients.map((key) => `"${key}"`).join(" and ")} or ${mixed.map((key) => `"${key}"`).join(", ")}, not both`,
    });
  }
}

/** A lazily loaded SDK module and client. */
export interface LazySdk<M, C> {
  /** The module and the client, loaded and built on the first call. */
  get(): Promise<{ readonly module: M; readonly client: C }>;
  /** Destroys the client if this loader built it (a caller's own client is left alone). */
  close(): void;
}

/**
 * Loads the SDK module and builds the client once, on first use. A failed load is not remembered,
 * so a later call can succeed once the package is installed.
 */
export function lazySdk<M, C extends { destroy(): void }>(
  spec: SdkModuleSpec<M, C>,
  options: AwsClientOptions<C>,
): LazySdk<M, C> {
  let pending: Promise<{ module: M; client: C }> | undefined;
  let built: C | undefined;
  const get = () => {
    pending ??= (async () => {
      let module: M;
      try {
        module = await spec.load();
      } catch (error) {
        throw new SecretsError({
          code: "CONFIG",
          operation: "loadSdk",
          transport: spec.transport,
          detail: `cannot load ${spec.packageName}`,
          hint: `Install it (npm install ${spec.packageName}) or use another transport`,
          cause: error,
        });
      }
      if (options.client !== undefined) return { module, client: options.client };
      const ClientClass = spec.clientClass(module) as new (config: Record<string, unknown>) => C;
      const config: Record<string, unknown> = {};
      if (options.region !== undefined) config.region = options.region;
      if (options.endpoint !== undefined) config.endpoint = options.endpoint;
      if (options.credentials !== undefined) config.credentials = options.credentials;
      if (options.maxAttempts !== undefined) config.maxAttempts = options.maxAttempts;
      if (options.requestTimeoutMs !== undefined) {
        config.requestHandler = {
          requestTimeout: options.requestTimeoutMs,
          connectionTimeout: options.requestTimeoutMs,
          throwOnRequestTimeout: true,
        };
      }
      built = options.session
        ? options.session.client(ClientClass as new (config: never) => C, config)
        : new ClientClass(config);
      return { module, client: built };
    })();
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
  return {
    get,
    close() {
      built?.destroy();
      built = undefined;
      pending = undefined;
    },
  };
}
