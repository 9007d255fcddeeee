/**
 * IAM database authentication for RDS and Aurora (PostgreSQL, MySQL, MariaDB) and RDS Proxy: a
 * short-lived auth token, signed with AWS credentials, is the login instead of a stored password.
 * `@aws-sdk/rds-signer` signs it; it is an optional peer, imported on the first token, never at
 * import time.
 *
 * A token is valid for 15 minutes (RDS checks it when a connection logs in; an open connection
 * stays open). {@link rdsIamAuth} keeps one, renews it after 10 minutes (one renewal for concurrent
 * callers), and when a renewal fails serves the current token while it is still good, retrying
 * after a jittered backoff rather than on every call. The token is a credential: it never appears
 * in an error, in `util.inspect` or in `JSON.stringify` of the objects here.
 */
import { inspect } from "node:util";
import { detachedCause } from "../aws/errors.js";
import { sdkError } from "../aws/sdk-errors.js";
import type { AwsSession } from "../aws/session/session.js";
import { jitteredBackoff } from "../core/backoff.js";
import { ArgumentError, SecretsError } from "../core/errors.js";
import { isLoopbackHost, isSignableHost, REGION_ID, regionFromRdsHost } from "./iam/host.js";
import type { DbTlsOption } from "./shared.js";

/** The `transport` the errors of this module name. */
const TRANSPORT = "rds-iam";
const PACKAGE = "@aws-sdk/rds-signer";

/** RDS accepts a token for 15 minutes after it was signed (the signer's `X-Amz-Expires=900`). */
const TOKEN_LIFETIME_MS = 15 * 60_000;
/** A token is handed out until 1 minute before it expires: a login started then still gets through. */
const USABLE_MS = TOKEN_LIFETIME_MS - 60_000;
const DEFAULTS = { renewAfterMs: 10 * 60_000, now: Date.now } as const;
/** Renewing more often than once a second is a mistake; later than 13 minutes leaves no time to retry. */
const RENEW_AFTER_MS = { min: 1_000, max: 13 * 60_000 } as const;
/** Backoff between failed renewals: 0.5-1 s after the first, doubling, at most 30 s. */
const RETRY = { baseMs: 1_000, maxMs: 30_000 } as const;

/**
 * The part of an {@link AwsSession} that signs tokens: its region (a fallback for hosts whose name
 * holds none) and its credentials. An `AwsSession` fits.
 *
 * @example
 * ```ts
 * const session: RdsIamSession = new AwsSession({ region: 'eu-west-1' }).assumeRole({ roleArn });
 * ```
 */
export type RdsIamSession = Pick<AwsSession, "region" | "getCredentials">;

/**
 * Options of {@link rdsIamAuth}.
 *
 * @example
 * ```ts
 * const options: RdsIamAuthOptions = {
 *   host: 'mydb.abc123.eu-west-1.rds.amazonaws.com',
 *   port: 5432,
 *   username: 'app_iam',
 *   session: new AwsSession({ profile: 'prod' }),
 * };
 * ```
 */
export interface RdsIamAuthOptions {
  /**
   * The endpoint the driver connects to, as RDS names it: instance, cluster (`cluster-`,
   * `cluster-ro-`, custom), or RDS Proxy (`proxy-`). The token is signed for this host and port, so
   * it must be the name the database knows itself by, not a CNAME of your own.
   */
  readonly host: string;
  /** The endpoint's port (5432, 3306, ...), signed into the token. */
  readonly port: number;
  /** The database user, created for IAM login (`GRANT rds_iam`, `IDENTIFIED WITH AWSAuthenticationPlugin`). */
  readonly username: string;
  /**
   * The database's region.
   * @default the region in the host name (`<name>.<id>.<region>.rds.amazonaws.com`, `.amazonaws.com.cn`,
   * GovCloud, ISO), else the session's; with neither, `CONFIG`
   */
  readonly region?: string | undefined;
  /**
   * Whose credentials sign the token: an `AwsSession` (profile, explicit keys, assumed role).
   * @default the AWS SDK's default credential chain
   */
  readonly session?: RdsIamSession | undefined;
  /**
   * Renew the token this many milliseconds after it was signed, 1000 to 780000 (13 minutes). A
   * token lasts 15 minutes; the old one keeps being served while a failed renewal is retried.
   * @default 600000 (10 minutes)
   */
  readonly renewAfterMs?: number | undefined;
  /**
   * Allow the token to go without TLS, but only to a loopback host (`localhost`, `127.0.0.0/8`,
   * `::1`, a Unix socket): for tests against a local server. Anywhere else TLS stays required.
   * @default false
   */
  readonly allowInsecureLoopback?: boolean | undefined;
  /**
   * Called when a renewal fails, with the value-free error, whether or not a still-valid token was
   * served instead. For logs and metrics; what it throws is ignored.
   */
  readonly onRenewalError?: ((error: SecretsError) => void) | undefined;
  /**
   * The clock the renewal schedule uses, in milliseconds since the epoch. For tests. (The signature
   * itself is dated by the signer, with the system clock.)
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
}

/**
 * Options of {@link RdsIamAuth.pgOptions}.
 *
 * @example
 * ```ts
 * const options: RdsIamPgAdapterOptions = { ssl: { ca: rdsCaBundle }, database: 'app' };
 * ```
 */
export interface RdsIamPgAdapterOptions {
  /**
   * TLS for pg. `true` is verified TLS with the system CAs; pass `{ ca }` with the RDS CA bundle.
   * `false` only with `allowInsecureLoopback` and a loopback host.
   * @default true
   */
  readonly ssl?: DbTlsOption | undefined;
  /** The database to connect to. */
  readonly database?: string | undefined;
}

/**
 * The pg `ClientConfig` / `PoolConfig` fields an IAM login decides.
 *
 * @example
 * ```ts
 * const config: RdsIamPgConnectionOptions = auth.pgOptions({ ssl: { ca: rdsCaBundle } });
 * const pool = new pg.Pool({ ...config, max: 10 });
 * ```
 */
export interface RdsIamPgConnectionOptions {
  host: string;
  port: number;
  user: string;
  /** A token per new connection, as pg's `password` accepts a function. */
  password: (connectionParameters?: unknown) => Promise<string>;
  database?: string;
  ssl: DbTlsOption;
}

/**
 * Options of {@link RdsIamAuth.mysql2Options}; `Tls` is the type of the TLS options you pass.
 *
 * @example
 * ```ts
 * const options: RdsIamMysql2AdapterOptions<{ ca: string }> = { ssl: { ca: rdsCaBundle } };
 * ```
 */
export interface RdsIamMysql2AdapterOptions<Tls extends object = never> {
  /**
   * TLS for mysql2. `true` is `{ rejectUnauthorized: true }`; an object is passed on (e.g. `{ ca }`
   * with the RDS CA bundle); a string names a mysql2 SSL profile. `false` only with
   * `allowInsecureLoopback` and a loopback host.
   * @default true
   */
  readonly ssl?: boolean | string | Tls | undefined;
  /** The database to select. */
  readonly database?: string | undefined;
}

/**
 * mysql2's auth plugin shape: given the connection, a function answering the server's request. This
 * one answers `mysql_clear_password` with the token, NUL-terminated, over TLS only.
 *
 * @example
 * ```ts
 * const plugin: RdsIamMysqlAuthPlugin = auth.mysql2Options().authPlugins.mysql_clear_password;
 * mysql.createPool({ host, port, user, ssl: { ca }, authPlugins: { mysql_clear_password: plugin } });
 * ```
 */
export type RdsIamMysqlAuthPlugin = (metadata: {
  readonly connection: unknown;
  readonly command?: unknown;
}) => (pluginData?: unknown) => Promise<Buffer>;

/**
 * The mysql2 `ConnectionOptions` / `PoolOptions` fields an IAM login decides.
 *
 * @example
 * ```ts
 * const config: RdsIamMysql2ConnectionOptions = auth.mysql2Options({ database: 'app' });
 * const pool = mysql.createPool({ ...config, connectionLimit: 10 });
 * ```
 */
export interface RdsIamMysql2ConnectionOptions<Tls extends object = never> {
  host: string;
  port: number;
  user: string;
  database?: string;
  ssl?: string | Tls | { rejectUnauthorized: boolean };
  /** RDS asks for `mysql_clear_password`; the token is sent through it. */
  authPlugins: { mysql_clear_password: RdsIamMysqlAuthPlugin };
}

/**
 * What `JSON.stringify` and `util.inspect` show of an {@link RdsIamAuth}: no token, no credentials.
 *
 * @example
 * ```ts
 * const { region, regionFrom, tokenIssuedAt }: RdsIamAuthDescription = auth.toJSON();
 * ```
 */
export interface RdsIamAuthDescription {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly region: string;
  /** How the region was found: the `region` option, the host name, or the session. */
  readonly regionFrom: "option" | "host" | "session";
  readonly renewAfterMs: number;
  /** When the current token was signed (ISO 8601, by the `now` clock), if there is one. */
  readonly tokenIssuedAt: string | undefined;
}

/**
 * IAM authentication for one database user on one endpoint: a cached, self-renewing token and the
 * pieces that plug it into pg and mysql2. Build it with {@link rdsIamAuth}.
 *
 * @example
 * ```ts
 * const auth = rdsIamAuth({ host, port: 5432, username: 'app_iam', session });
 * const pool = new pg.Pool({ host, port: 5432, user: 'app_iam', password: auth.password, ssl: { ca } });
 * ```
 */
export interface RdsIamAuth {
  /** The region the token is signed for. */
  readonly region: string;
  /**
   * The current token: signed on the first call, then the same one until it is `renewAfterMs` old.
   * Concurrent callers share one renewal. A failed renewal is retried after a backoff; meanwhile the
   * old token is returned while it has more than a minute left, else the failure is thrown
   * (`CREDENTIALS`, `CONFIG`, ...), never with the token in it.
   *
   * @example
   * ```ts
   * const token = await auth.token(); // 'mydb....rds.amazonaws.com:5432/?Action=connect&DBUser=...'
   * ```
   */
  token(): Promise<string>;
  /**
   * pg's `password`, bound: pg calls it for every new connection. Refuses (`CONFIG`) a connection
   * without `ssl`, unless `allowInsecureLoopback` and the connection goes to a loopback host.
   *
   * @example
   * ```ts
   * new pg.Pool({ host, port, user: 'app_iam', password: auth.password, ssl: { ca: rdsCa } });
   * ```
   */
  readonly password: (connectionParameters?: unknown) => Promise<string>;
  /**
   * Options for pg with this login: host, port, user, the `password` function and TLS (on by default).
   *
   * @example
   * ```ts
   * const pool = new pg.Pool({ ...auth.pgOptions({ ssl: { ca: rdsCa }, database: 'app' }), max: 10 });
   * ```
   */
  pgOptions(options?: RdsIamPgAdapterOptions): RdsIamPgConnectionOptions;
  /**
   * Options for mysql2 with this login: host, port, user, TLS (on by default) and the
   * `mysql_clear_password` auth plugin that sends the token, refusing a connection without TLS.
   *
   * @example
   * ```ts
   * const pool = mysql.createPool({ ...auth.mysql2Options({ ssl: { ca: rdsCa } }), connectionLimit: 10 });
   * ```
   */
  mysql2Options<Tls extends object = never>(
    options?: RdsIamMysql2AdapterOptions<Tls>,
  ): RdsIamMysql2ConnectionOptions<Tls>;
  /**
   * A value-free description for logs.
   *
   * @example
   * ```ts
   * JSON.stringify(auth); // {"host":"mydb....","port":5432,"username":"app_iam","region":"eu-west-1",...}
   * ```
   */
  toJSON(): RdsIamAuthDescription;
}

/** What `import("@aws-sdk/rds-signer")` is used for; declared here so no exported type names the SDK. */
interface SignerModule {
  readonly Signer: new (config: {
    hostname: string;
    port: number;
    username: string;
    region: string;
    credentials?: () => Promise<unknown>;
  }) => { getAuthToken(): Promise<string> };
}

function argumentError(detail: string): ArgumentError {
  return new ArgumentError(`[secretwrangler] [${TRANSPORT}] rdsIamAuth: ${detail}`);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  return typeof value === "string" ? "a string" : `a ${typeof value}`;
}

function optionError(option: string, expected: string, value: unknown): ArgumentError {
  // Described, never quoted.
  return argumentError(`"${option}" must be ${expected}, got ${describeValue(value)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

const OPTIONS: ReadonlySet<string> = new Set([
  "host",
  "port",
  "username",
  "region",
  "session",
  "renewAfterMs",
  "allowInsecureLoopback",
  "onRenewalError",
  "now",
]);

interface Settings {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly region: string;
  readonly regionFrom: RdsIamAuthDescription["regionFrom"];
  readonly session: RdsIamSession | undefined;
  readonly renewAfterMs: number;
  readonly allowInsecureLoopback: boolean;
  readonly onRenewalError: ((error: SecretsError) => void) | undefined;
  readonly now: () => number;
}

/** Throws `ArgumentError` for a programming mistake, `CONFIG` when no region can be found. */
function settingsOf(options: RdsIamAuthOptions): Settings {
  if (!isObject(options)) throw optionError("options", "an object", options);
  const unknown = Object.keys(options).filter((key) => !OPTIONS.has(key));
  if (unknown.length > 0) {
    throw argumentError(`unknown option ${unknown.map((key) => `"${key}"`).join(", ")}`);
  }
  const { host, port, username, region, session, renewAfterMs, allowInsecureLoopback, onRenewalError, now } = options;
  if (typeof host !== "string" || host === "") throw optionError("host", "a host name", host);
  if (!isSignableHost(host)) {
    throw argumentError('"host" must be a DNS name or IPv4 address, without scheme, port or path');
  }
  if (!isInteger(port, 1, 65_535)) throw optionError("port", "an integer from 1 to 65535", port);
  if (typeof username !== "string" || username.trim() === "") {
    throw optionError("username", "a non-empty string", username);
  }
  if (region !== undefined && !(typeof region === "string" && REGION_ID.test(region))) {
    throw optionError("region", "an AWS region id such as eu-west-1", region);
  }
  if (
    session !== undefined &&
    !(isObject(session) && typeof (session as { getCredentials?: unknown }).getCredentials === "function")
  ) {
    throw optionError("session", "an AwsSession (or an object with getCredentials())", session);
  }
  if (renewAfterMs !== undefined && !isInteger(renewAfterMs, RENEW_AFTER_MS.min, RENEW_AFTER_MS.max)) {
    throw optionError(
      "renewAfterMs",
      `an integer number of milliseconds from ${RENEW_AFTER_MS.min} to ${RENEW_AFTER_MS.max}`,
      renewAfterMs,
    );
  }
  if (allowInsecureLoopback !== undefined && typeof allowInsecureLoopback !== "boolean") {
    throw optionError("allowInsecureLoopback", "a boolean", allowInsecureLoopback);
  }
  if (onRenewalError !== undefined && typeof onRenewalError !== "function") {
    throw optionError("onRenewalError", "a function", onRenewalError);
  }
  if (now !== undefined && typeof now !== "function") {
    throw optionError("now", "a function that returns milliseconds since the epoch", now);
  }
  const fromHost = regionFromRdsHost(host);
  const sessionRegion = session?.region;
  const resolved: Pick<Settings, "region" | "regionFrom"> | undefined =
    region !== undefined
      ? { region, regionFrom: "option" }
      : fromHost !== undefined
        ? { region: fromHost, regionFrom: "host" }
        : typeof sessionRegion === "string" && REGION_ID.test(sessionRegion)
          ? { region: sessionRegion, regionFrom: "session" }
          : undefined;
  if (resolved === undefined) {
    throw new SecretsError({
      code: "CONFIG",
      operation: "rdsIamAuth",
      transport: TRANSPORT,
      retryable: false,
      detail: "no AWS region for the IAM token: the host name is not an RDS endpoint's and no session region",
      hint: 'Pass the "region" option, or a "session" with a region',
    });
  }
  return {
    host,
    port,
    username,
    ...resolved,
    session,
    renewAfterMs: renewAfterMs ?? DEFAULTS.renewAfterMs,
    allowInsecureLoopback: allowInsecureLoopback ?? false,
    onRenewalError,
    now: now ?? DEFAULTS.now,
  };
}

async function loadSigner(): Promise<SignerModule> {
  try {
    return (await import("@aws-sdk/rds-signer")) as unknown as SignerModule;
  } catch (error) {
    throw new SecretsError({
      code: "CONFIG",
      operation: "loadSdk",
      transport: TRANSPORT,
      retryable: false,
      detail: `cannot load ${PACKAGE}`,
      hint: `Install it (npm install ${PACKAGE}) to use IAM database authentication`,
      cause: detachedCause(error),
    });
  }
}

/** The refusal to send a token in the clear. */
function tlsRequired(driver: string, detail: string): SecretsError {
  return new SecretsError({
    code: "CONFIG",
    operation: "sendToken",
    transport: TRANSPORT,
    retryable: false,
    detail: `${driver}: ${detail}; an IAM token is a credential and goes over TLS only`,
    hint: "Enable TLS (RDS requires it for IAM logins); for a local test server, pass allowInsecureLoopback: true",
  });
}

interface Current {
  readonly token: string;
  readonly issuedAt: number;
}

class IamAuth implements RdsIamAuth {
  readonly region: string;
  readonly password: (connectionParameters?: unknown) => Promise<string>;
  readonly #settings: Settings;
  #signer: Promise<{ getAuthToken(): Promise<string> }> | undefined;
  #current: Current | undefined;
  #renewing: Promise<string> | undefined;
  #failures = 0;
  #retryAt = 0;
  #lastError: SecretsError | undefined;

  constructor(settings: Settings) {
    this.#settings = settings;
    this.region = settings.region;
    this.password = (connectionParameters?: unknown) => {
      if (isObject(connectionParameters)) {
        const { ssl, host } = connectionParameters as { ssl?: unknown; host?: unknown };
        if (!ssl && !(settings.allowInsecureLoopback && isLoopbackHost(host))) {
          return Promise.reject(tlsRequired("pg", "the connection has no ssl"));
        }
      }
      return this.token();
    };
  }

  async token(): Promise<string> {
    const { now, renewAfterMs } = this.#settings;
    const current = this.#current;
    const at = now();
    if (current !== undefined && at - current.issuedAt < renewAfterMs) return current.token;
    const usable = current !== undefined && at - current.issuedAt < USABLE_MS ? current.token : undefined;
    if (this.#renewing === undefined && this.#failures > 0 && at < this.#retryAt) {
      // The last renewal failed a moment ago: the same answer, no new signing.
      if (usable !== undefined) return usable;
      throw this.#lastError;
    }
    if (this.#renewing === undefined) {
      const renewing = this.#renew();
      this.#renewing = renewing;
      const clear = () => {
        if (this.#renewing === renewing) this.#renewing = undefined;
      };
      renewing.then(clear, clear);
    }
    try {
      return await this.#renewing;
    } catch (error) {
      if (usable !== undefined) return usable;
      throw error;
    }
  }

  async #renew(): Promise<string> {
    const { now } = this.#settings;
    // Dated before signing: the token expires no earlier than this clock says.
    const started = now();
    try {
      const signer = await this.#getSigner();
      const token = await signer.getAuthToken();
      if (typeof token !== "string" || token === "") throw new Error("the signer returned no token");
      this.#current = { token, issuedAt: started };
      this.#failures = 0;
      this.#retryAt = 0;
      this.#lastError = undefined;
      return token;
    } catch (error) {
      const wrapped = sdkError(error, { operation: "getAuthToken", transport: TRANSPORT });
      this.#lastError = wrapped;
      this.#retryAt = now() + jitteredBackoff(this.#failures, RETRY.baseMs, RETRY.maxMs);
      this.#failures++;
      try {
        this.#settings.onRenewalError?.(wrapped);
      } catch {
        // a hook must not change what the caller gets
      }
      throw wrapped;
    }
  }

  #getSigner(): Promise<{ getAuthToken(): Promise<string> }> {
    const { host, port, username, region, session } = this.#settings;
    this.#signer ??= loadSigner().then(
      ({ Signer }) =>
        new Signer({
          hostname: host,
          port,
          username,
          region,
          ...(session !== undefined && { credentials: () => session.getCredentials() }),
        }),
    );
    // A failed load is not remembered: installing the package fixes the next attempt.
    this.#signer.catch(() => {
      this.#signer = undefined;
    });
    return this.#signer;
  }

  #tls(ssl: unknown, driver: string): unknown {
    const chosen = ssl === undefined ? true : ssl;
    if (chosen === false) {
      if (!(this.#settings.allowInsecureLoopback && isLoopbackHost(this.#settings.host))) {
        throw argumentError(
          `${driver}: "ssl: false" sends the token in the clear; allowed only with allowInsecureLoopback and a loopback host`,
        );
      }
      return false;
    }
    if (chosen === null || (typeof chosen !== "boolean" && typeof chosen !== "object" && typeof chosen !== "string")) {
      throw optionError("ssl", "true, false, a TLS options object or a profile name", chosen);
    }
    // Copied: drivers write into it.
    return typeof chosen === "object" ? { ...chosen } : chosen;
  }

  #database(options: { readonly database?: unknown }): { database?: string } {
    const { database } = options;
    if (database === undefined) return {};
    if (typeof database !== "string" || database === "") throw optionError("database", "a non-empty string", database);
    return { database };
  }

  pgOptions(options: RdsIamPgAdapterOptions = {}): RdsIamPgConnectionOptions {
    if (!isObject(options)) throw optionError("options", "an object", options);
    const ssl = this.#tls(options.ssl, "pgOptions");
    if (typeof ssl === "string") throw optionError("ssl", "true, false or a TLS options object", ssl);
    const { host, port, username } = this.#settings;
    return { host, port, user: username, password: this.password, ...this.#database(options), ssl: ssl as DbTlsOption };
  }

  mysql2Options<Tls extends object = never>(
    options: RdsIamMysql2AdapterOptions<Tls> = {},
  ): RdsIamMysql2ConnectionOptions<Tls> {
    if (!isObject(options)) throw optionError("options", "an object", options);
    const ssl = this.#tls(options.ssl, "mysql2Options") as boolean | string | Tls;
    const { host, port, username, allowInsecureLoopback } = this.#settings;
    const plugin: RdsIamMysqlAuthPlugin =
      ({ connection }) =>
      async () => {
        const config = (isObject(connection) ? connection.config : undefined) as
          | { ssl?: unknown; host?: unknown; socketPath?: unknown }
          | undefined;
        const local = isLoopbackHost(config?.socketPath) || isLoopbackHost(config?.host);
        if (!config?.ssl && !(allowInsecureLoopback && local)) {
          throw tlsRequired("mysql2", "the connection has no ssl");
        }
        return Buffer.from(`${await this.token()}\0`);
      };
    return {
      host,
      port,
      user: username,
      ...this.#database(options),
      ...(ssl === false ? {} : { ssl: ssl === true ? { rejectUnauthorized: true } : ssl }),
      authPlugins: { mysql_clear_password: plugin },
    };
  }

  toJSON(): RdsIamAuthDescription {
    const { host, port, username, region, regionFrom, renewAfterMs } = this.#settings;
    const issuedAt = this.#current?.issuedAt;
    return {
      host,
      port,
      username,
      region,
      regionFrom,
      renewAfterMs,
      tokenIssuedAt: issuedAt === undefined ? undefined : new Date(issuedAt).toISOString(),
    };
  }

  static {
    // `util.inspect` and `console.log` show toJSON(), never the token (see AwsSession).
    Object.defineProperty(IamAuth.prototype, inspect.custom, {
      value(this: IamAuth): string {
        return `RdsIamAuth ${inspect(this.toJSON())}`;
      },
    });
  }
}

/**
 * IAM database authentication for one user on one RDS / Aurora endpoint or RDS Proxy: a token
 * signed with `@aws-sdk/rds-signer` (loaded on the first token) using the session's credentials
 * (or the SDK default chain), cached and renewed after 10 minutes of its 15. Plug it into pg with
 * `password: auth.password` or `auth.pgOptions()`, into mysql2 with `auth.mysql2Options()`; both
 * insist on TLS. Throws `ArgumentError` for a wrong option, `CONFIG` when no region can be found.
 *
 * @example
 * ```ts
 * import { rdsIamAuth } from 'secretwrangler/db';
 * const auth = rdsIamAuth({
 *   host: 'mydb.abc123.eu-west-1.rds.amazonaws.com', // region eu-west-1, from the name
 *   port: 5432,
 *   username: 'app_iam',
 *   session: new AwsSession({ profile: 'prod' }),
 * });
 * const pool = new pg.Pool({ ...auth.pgOptions({ ssl: { ca: rdsCaBundle }, database: 'app' }), max: 10 });
 * ```
 */
export function rdsIamAuth(options: RdsIamAuthOptions): RdsIamAuth {
  return new IamAuth(settingsOf(options));
}
