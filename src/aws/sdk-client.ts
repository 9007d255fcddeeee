/**
 * Builds AWS SDK v3 clients lazily: the SDK package is imported on the first call, never at import
 * time, so an application that only uses the agent transport never loads it. Shared by the Secrets
 * Manager and SSM transports.
 */
import { ArgumentError, SecretsError } from "../core/errors.js";
import {
  applyRequestLimits,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_RESPONSE_BYTES,
  MAX_TIMEOUT_MS,
} from "./request-handler.js";
import { missingRegionError } from "./sdk-errors.js";

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

/**
 * What the library needs of an AWS SDK v3 client: `send` and `destroy`. Every real client
 * (`SecretsManagerClient`, `SSMClient`, ...) fits, so you pass your own without a cast; declared
 * here so that the library's types import no `@aws-sdk/*` package.
 */
export interface AwsSdkClient {
  /** Sends a command; resolves with its output. */
  send(command: unknown, options?: { readonly abortSignal?: AbortSignal | undefined }): Promise<unknown>;
  /** Releases the client's sockets. */
  destroy(): void;
}

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
   * Milliseconds one HTTP attempt may take, from connecting to the last byte of the response body,
   * before it fails with `TIMEOUT`; the SDK retries it within `maxAttempts`. @default 10000
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

/** The options that build a client, which a caller's own client excludes. */
const BUILD_OPTIONS = ["region", "endpoint", "credentials", "session", "maxAttempts", "requestTimeoutMs"] as const;

/** Attempts beyond this are a mistake, not a retry policy. */
const MAX_ATTEMPTS = 100;

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

function optionError(transport: string, option: string, expected: string, value: unknown): ArgumentError {
  // The value is described, never quoted: it may be a key.
  return new ArgumentError(
    `[secretwrangler] [${transport}] "${option}" must be ${expected}, got ${describeValue(value)}`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` looks like an SDK client: `send` and `destroy`. */
export function isSdkClient(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof (value as { send?: unknown }).send === "function" &&
    typeof (value as { destroy?: unknown }).destroy === "function"
  );
}

/** Throws `ArgumentError` unless `value` is a usable endpoint URL (http or https). */
export function assertEndpoint(value: unknown, option: string, transport: string): void {
  if (value === undefined) return;
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw optionError(transport, option, "an http(s) URL", value);
  }
}

/** Throws `ArgumentError` unless `value` is a non-empty string (or undefined). */
export function assertName(value: unknown, option: string, transport: string): void {
  if (value === undefined) return;
  if (typeof value !== "string" || value.trim() === "")
    throw optionError(transport, option, "a non-empty string", value);
}

/** Throws `ArgumentError` unless `value` is a key pair or a provider function (or undefined). */
export function assertCredentials(value: unknown, option: string, transport: string): void {
  if (value === undefined || typeof value === "function") return;
  const keys = value as { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown };
  if (
    !isObject(value) ||
    typeof keys.accessKeyId !== "string" ||
    keys.accessKeyId === "" ||
    typeof keys.secretAccessKey !== "string" ||
    keys.secretAccessKey === "" ||
    (keys.sessionToken !== undefined && typeof keys.sessionToken !== "string")
  ) {
    throw optionError(
      transport,
      option,
      "{ accessKeyId, secretAccessKey, sessionToken? } with non-empty strings, or a function that returns them",
      isObject(value) ? "an object without them" : value,
    );
  }
}

/** Throws `ArgumentError` unless `value` is a number of milliseconds in (0, 2^31 - 1] (or undefined). */
export function assertTimeout(value: unknown, option: string, transport: string): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw optionError(transport, option, `a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`, value);
  }
}

/**
 * Checks the options of an SDK-backed transport; throws `ArgumentError` (a programming mistake) naming
 * the option: a value of the wrong type or out of range, own clients (`client`, or the keys in
 * `clientKeys`) mixed with build options, or a session together with credentials.
 */
export function assertClientOptions(
  options: Record<string, unknown>,
  transport: string,
  clientKeys: readonly string[] = ["client"],
): void {
  if (!isObject(options)) throw optionError(transport, "options", "an object", options);
  if (options.session !== undefined && options.credentials !== undefined) {
    throw new ArgumentError(`[secretwrangler] [${transport}] pass either "session" or "credentials", not both`);
  }
  const clients = clientKeys.filter((key) => options[key] !== undefined);
  const mixed = BUILD_OPTIONS.filter((key) => options[key] !== undefined);
  if (clients.length > 0 && mixed.length > 0) {
    throw new ArgumentError(
      `[secretwrangler] [${transport}] pass either ${clients.map((key) => `"${key}"`).join(" and ")} or ${mixed.map((key) => `"${key}"`).join(", ")}, not both`,
    );
  }
  for (const key of clients) {
    if (!isSdkClient(options[key]))
      throw optionError(transport, key, "an AWS SDK v3 client (send, destroy)", options[key]);
  }
  assertName(options.region, "region", transport);
  assertEndpoint(options.endpoint, "endpoint", transport);
  assertCredentials(options.credentials, "credentials", transport);
  const session = options.session;
  if (session !== undefined && !(isObject(session) && typeof session.client === "function")) {
    throw optionError(transport, "session", "an AwsSession (or an object with a client() method)", session);
  }
  const { maxAttempts } = options;
  if (
    maxAttempts !== undefined &&
    !(
      typeof maxAttempts === "number" &&
      Number.isInteger(maxAttempts) &&
      maxAttempts >= 1 &&
      maxAttempts <= MAX_ATTEMPTS
    )
  ) {
    throw optionError(transport, "maxAttempts", `an integer from 1 to ${MAX_ATTEMPTS}`, maxAttempts);
  }
  assertTimeout(options.requestTimeoutMs, "requestTimeoutMs", transport);
}

/**
 * Throws `CONFIG` when a client the library built has no region: the SDK would fail every call with a
 * bare `Error: Region is missing`, which reads like a network failure.
 */
async function assertRegion(client: unknown, transport: string): Promise<void> {
  const region = (client as { config?: { region?: unknown } }).config?.region;
  if (typeof region !== "function") return;
  let resolved: unknown;
  try {
    resolved = await (region as () => Promise<unknown>)();
  } catch (error) {
    throw missingRegionError(transport, "createClient", undefined, error);
  }
  if (typeof resolved !== "string" || resolved === "") throw missingRegionError(transport, "createClient");
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
      const client = options.session
        ? options.session.client(ClientClass as new (config: never) => C, config)
        : new ClientClass(config);
      // One deadline per attempt, connect to last body byte, and a capped body (see request-handler.ts).
      applyRequestLimits(client, {
        timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        maxBodyBytes: MAX_RESPONSE_BYTES,
      });
      built = client;
      try {
        await assertRegion(client, spec.transport);
      } catch (error) {
        client.destroy();
        built = undefined;
        throw error;
      }
      return { module, client };
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
