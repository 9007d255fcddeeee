/**
 * `AwsSession`: one object that knows a region (and so a partition) and where credentials come from
 * (explicit keys, a profile, the SDK's default chain, or an assumed role on top of another session),
 * and builds any SDK v3 client with them. Credentials are cached per session and refreshed before they
 * expire; nothing secret is ever part of what a session shows (`util.inspect`, `JSON.stringify`,
 * errors).
 */
import { inspect } from "node:util";
import { type CredentialsEvent, credentialsChannel, traced } from "../../core/diagnostics.js";
import { iamRoleArn, parseArn } from "../arn.js";
import { type AwsPartition, partitionForRegion } from "../partition.js";
import {
  type AwsClientFactory,
  type AwsCredentialsInput,
  assertCredentials,
  assertEndpoint,
  assertName,
} from "../sdk-client.js";
import { REGION_HINT } from "../sdk-errors.js";
import { type AwsCredentials, type AwsCredentialsProvider, cachedCredentials } from "./credential-cache.js";
import { argumentError, configError, SESSION, sessionError } from "./errors.js";
import { profileRegion, profileRoleArn } from "./shared-config.js";
import { credentialSource } from "./sources.js";
import { assumeRole, type CallerIdentity, getCallerIdentity, type StsClient, stsClient } from "./sts.js";

const DEFAULTS = {
  refreshBeforeMs: 5 * 60_000,
  now: Date.now,
} as const;

/** STS accepts role sessions of 15 minutes to 12 hours (the role's maximum may be lower). */
const DURATION_SECONDS = { min: 900, max: 43_200 } as const;
/** STS's rules for RoleSessionName and ExternalId. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** A refresh window longer than STS's longest session (12 hours) is a mistake. */
const MAX_REFRESH_BEFORE_MS = 12 * 60 * 60_000;

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Options shared by a session and the role sessions derived from it. */
export interface AwsSessionSettings {
  /**
   * Endpoint for this session's own STS calls (`whoami`, and `assumeRole` on top of it): an STS VPC
   * endpoint, or a loopback server in tests. Role sessions inherit it.
   * @default the regional STS endpoint the SDK resolves for the region's partition
   */
  readonly stsEndpoint?: string | undefined;
  /**
   * Refresh temporary credentials this many milliseconds before they expire, but no earlier than
   * half their lifetime. SDK clients also re-ask 5 minutes before expiry, whatever this says.
   * @default 300000 (5 minutes)
   */
  readonly refreshBeforeMs?: number | undefined;
  /**
   * The clock expiry decisions use, in milliseconds since the epoch. For tests.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
}

/**
 * How an {@link AwsSession} finds its region and credentials. Give at most one of `credentials` and
 * `profile`; with neither, the SDK's default provider chain is used.
 *
 * @example
 * ```ts
 * new AwsSession({ region: 'cn-north-1' });                       // default chain
 * new AwsSession({ profile: 'aws2' });                            // shared config / SSO / role_arn
 * new AwsSession({ credentials: { accessKeyId, secretAccessKey } });
 * ```
 */
export interface AwsSessionOptions extends AwsSessionSettings {
  /**
   * The region; it also decides the partition (`cn-north-1` is `aws-cn`).
   * @default `AWS_REGION`, else the `region` of the profile (this one, `AWS_PROFILE` or `default`)
   */
  readonly region?: string | undefined;
  /** A named profile of the shared config and credentials files (static keys, `role_arn`, SSO, ...). */
  readonly profile?: string | undefined;
  /** Explicit keys, or a function that resolves them. */
  readonly credentials?: AwsCredentialsInput | undefined;
  /**
   * Extra configuration for every SDK client the session builds, its own STS clients included, e.g.
   * `{ requestHandler, logger, maxAttempts }`. Region and credentials come from the session, not here.
   */
  readonly clientConfig?: Readonly<Record<string, unknown>> | undefined;
}

/** Which role to assume: a full ARN, or an account id and role name in the session's partition. */
export type AssumeRoleTarget =
  | { readonly roleArn: string; readonly accountId?: never; readonly roleName?: never }
  | { readonly accountId: string; readonly roleName: string; readonly roleArn?: never };

/**
 * Options of {@link AwsSession.assumeRole}.
 *
 * @example
 * ```ts
 * base.assumeRole({ accountId: '123456789012', roleName: 'manage-role', externalId: 'x-123' });
 * ```
 */
export type AssumeRoleOptions = AssumeRoleTarget &
  AwsSessionSettings & {
    /** The external id the role's trust policy requires, if any. */
    readonly externalId?: string | undefined;
    /**
     * The role session name, visible in CloudTrail and in the assumed-role ARN.
     * @default `secretwrangler-<milliseconds since the epoch>`
     */
    readonly sessionName?: string | undefined;
    /**
     * Lifetime of each set of role credentials, 900 to 43200 seconds (at most 3600 when chaining
     * roles). @default STS's (3600)
     */
    readonly durationSeconds?: number | undefined;
    /**
     * Region of the role session, in the same partition as this session's. @default this session's
     */
    readonly region?: string | undefined;
  };

interface Settings {
  readonly stsEndpoint: string | undefined;
  readonly refreshBeforeMs: number;
  readonly now: () => number;
  readonly clientConfig: Readonly<Record<string, unknown>>;
}

/** Throws `ArgumentError` for a setting of the wrong type or out of range, naming it. */
function assertSettings(options: AwsSessionSettings, operation: string): void {
  const { refreshBeforeMs, now } = options;
  if (
    refreshBeforeMs !== undefined &&
    !(
      typeof refreshBeforeMs === "number" &&
      Number.isFinite(refreshBeforeMs) &&
      refreshBeforeMs >= 0 &&
      refreshBeforeMs <= MAX_REFRESH_BEFORE_MS
    )
  ) {
    throw argumentError(
      operation,
      `"refreshBeforeMs" must be a number of milliseconds from 0 to ${MAX_REFRESH_BEFORE_MS}`,
    );
  }
  if (now !== undefined && typeof now !== "function") {
    throw argumentError(operation, '"now" must be a function that returns milliseconds since the epoch');
  }
  assertEndpoint(options.stsEndpoint, "stsEndpoint", SESSION);
}

function normalizeSettings(options: AwsSessionOptions): Settings {
  assertSettings(options, "createSession");
  const refreshBeforeMs = options.refreshBeforeMs ?? DEFAULTS.refreshBeforeMs;
  if (options.clientConfig !== undefined && !isPlainObject(options.clientConfig)) {
    throw argumentError("createSession", '"clientConfig" must be an object of SDK client options');
  }
  const clientConfig = options.clientConfig ?? {};
  const reserved = ["region", "credentials"].filter((key) => clientConfig[key] !== undefined);
  if (reserved.length > 0) {
    throw argumentError(
      "createSession",
      `"clientConfig" may not set ${reserved.map((key) => `"${key}"`).join(" or ")}; pass them as session options`,
    );
  }
  return { stsEndpoint: options.stsEndpoint, refreshBeforeMs, now: options.now ?? DEFAULTS.now, clientConfig };
}

/**
 * `load`, with each call published on `secretwrangler:credentials` when someone listens: where the
 * credentials come from and when they expire, never the keys. A failure is reported mapped (its code).
 */
function observedCredentials(load: AwsCredentialsProvider, source: string): AwsCredentialsProvider {
  return () => {
    if (!credentialsChannel.hasSubscribers) return load();
    const mapped = (): Promise<AwsCredentials> =>
      load().catch((error: unknown) => {
        throw sessionError(error, "loadCredentials");
      });
    const event: CredentialsEvent = { source };
    return traced(credentialsChannel, event, mapped, {
      settled: (settled, credentials) => {
        (settled as { expiresAt?: Date }).expiresAt = credentials.expiration;
      },
    });
  };
}

/**
 * An AWS identity in one region: explicit keys, a profile, the SDK default chain, or a role assumed
 * on top of another session. Builds any SDK v3 client configured with its region and credentials,
 * and plugs into `sdkTransport({ session })` and `createSecretsClient({ session })`.
 *
 * @example
 * ```ts
 * const base = new AwsSession({ region: 'cn-north-1' });
 * const prod = base.assumeRole({ accountId: '123456789012', roleName: 'manage-role' });
 * prod.partition; // 'aws-cn'
 * const secrets = createSecretsClient({ transport: sdkTransport({ session: prod }) });
 * ```
 */
export class AwsSession implements AwsClientFactory {
  /** The region, or `undefined` when neither the options, `AWS_REGION` nor the profile name one. */
  readonly region: string | undefined;
  /**
   * The IAM role this session's credentials belong to, when the session knows it: the role of
   * {@link AwsSession.assumeRole}, or the `role_arn` of its profile. `undefined` for keys, a
   * credential provider and the default chain (whose provider may assume a role the session does
   * not see). `agentTransport({ session })` sends it to the agent as `roleArn`.
   *
   * @example
   * ```ts
   * base.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/app' }).assumedRoleArn; // 'arn:aws:iam::123456789012:role/app'
   * ```
   */
  get assumedRoleArn(): string | undefined {
    return this.#roleArn;
  }
  #roleArn: string | undefined;
  readonly #settings: Settings;
  readonly #credentials: AwsCredentialsProvider;
  /** The profile, passed to clients so they also honour its other settings (endpoints, retries). */
  #profile: string | undefined;
  #source: string;
  /**
   * Whether clients use their own SDK default chain: a session with neither credentials nor profile
   * passes no credentials, so it needs no `@aws-sdk/credential-providers`.
   */
  #clientChain: boolean;
  #sts: StsClient | undefined;

  constructor(options: AwsSessionOptions = {}) {
    if (!isPlainObject(options)) throw argumentError("createSession", "the options must be an object");
    assertName(options.region, "region", SESSION);
    assertName(options.profile, "profile", SESSION);
    assertCredentials(options.credentials, "credentials", SESSION);
    this.#settings = normalizeSettings(options);
    this.region =
      options.region ||
      process.env.AWS_REGION ||
      profileRegion(options.profile ?? (process.env.AWS_PROFILE || "default"));
    const source = credentialSource({ ...options, region: this.region, clientConfig: this.#settings.clientConfig });
    const cached = cachedCredentials(observedCredentials(source.provider, source.description), this.#settings);
    this.#credentials = async () => {
      try {
        return await cached();
      } catch (error) {
        throw sessionError(error, "loadCredentials");
      }
    };
    this.#profile = options.profile;
    this.#roleArn = options.profile === undefined ? undefined : profileRoleArn(options.profile);
    this.#source = source.description;
    this.#clientChain = source.clientChain === true;
  }

  /**
   * The partition of the session's region: `aws`, `aws-cn`, `aws-us-gov`, or an ISO partition.
   * Throws `CONFIG` when the session has no region.
   */
  get partition(): AwsPartition {
    if (this.region === undefined) {
      throw configError("partition", "the session has no region", REGION_HINT);
    }
    return partitionForRegion(this.region);
  }

  /**
   * The ARN of a role in this session's partition.
   *
   * @example
   * ```ts
   * new AwsSession({ region: 'cn-north-1' }).roleArn('123456789012', 'manage-role');
   * // 'arn:aws-cn:iam::123456789012:role/manage-role'
   * ```
   */
  roleArn(accountId: string, roleName: string): string {
    return iamRoleArn(this.partition, accountId, roleName);
  }

  /**
   * The session's current credentials: cached, refreshed before they expire, one refresh shared by
   * concurrent callers. Every client the session builds uses this.
   *
   * @example
   * ```ts
   * const { accessKeyId, expiration } = await session.getCredentials();
   * ```
   */
  getCredentials(): Promise<AwsCredentials> {
    return this.#credentials();
  }

  /**
   * Builds an SDK v3 client with this session's region, credentials and client config; `config` is
   * laid over them. Loads nothing: credentials resolve on the client's first call.
   *
   * @example
   * ```ts
   * const ssm = session.client(SSMClient);
   * const secretsManager = session.client(SecretsManagerClient, { maxAttempts: 5 });
   * ```
   */
  client<C>(ClientClass: new (config: never) => C, config: Record<string, unknown> = {}): C {
    if (typeof ClientClass !== "function") throw argumentError("client", "ClientClass must be an SDK client class");
    const Client = ClientClass as unknown as new (config: Record<string, unknown>) => C;
    return new Client({
      ...(this.region !== undefined && { region: this.region }),
      ...(this.#profile !== undefined && { profile: this.#profile }),
      ...this.#settings.clientConfig,
      // The default chain is the client's own (it ships with every client): no credentials passed.
      ...(!this.#clientChain && { credentials: this.#credentials }),
      ...config,
    });
  }

  /**
   * Who the session's credentials belong to (STS GetCallerIdentity).
   *
   * @example
   * ```ts
   * const { account, arn } = await session.whoami();
   * ```
   */
  whoami(): Promise<CallerIdentity> {
    this.#sts ??= stsClient(this, undefined, this.#settings.stsEndpoint);
    return getCallerIdentity(this.#sts);
  }

  /**
   * A new session whose credentials come from STS AssumeRole, called with this session's
   * credentials. Chain it again for role → role. Nothing is called until the new session's
   * credentials are first needed.
   *
   * @example
   * ```ts
   * const prod = base.assumeRole({ accountId: '123456789012', roleName: 'manage-role', externalId });
   * const admin = prod.assumeRole({ roleArn: 'arn:aws:iam::210987654321:role/admin' });
   * ```
   */
  assumeRole(options: AssumeRoleOptions): AwsSession {
    if (!isPlainObject(options)) throw argumentError("assumeRole", "the options must be an object");
    assertName(options.region, "region", SESSION);
    assertSettings(options, "assumeRole");
    const region = options.region ?? this.region;
    if (region !== undefined && this.region !== undefined && partitionForRegion(region) !== this.partition) {
      throw argumentError("assumeRole", `"region" "${region}" is not in this session's partition "${this.partition}"`);
    }
    const roleArn = this.#roleArnFor(options, region);
    const { durationSeconds, sessionName, externalId } = options;
    if (
      durationSeconds !== undefined &&
      !(
        typeof durationSeconds === "number" &&
        Number.isInteger(durationSeconds) &&
        durationSeconds >= DURATION_SECONDS.min &&
        durationSeconds <= DURATION_SECONDS.max
      )
    ) {
      throw argumentError(
        "assumeRole",
        `"durationSeconds" must be an integer from ${DURATION_SECONDS.min} to ${DURATION_SECONDS.max}`,
      );
    }
    if (sessionName !== undefined && !(typeof sessionName === "string" && SESSION_NAME.test(sessionName))) {
      throw argumentError("assumeRole", '"sessionName" must be 2 to 64 characters of letters, digits and +=,.@_-');
    }
    // The external id is not quoted: some treat it as a shared secret.
    if (externalId !== undefined && !(typeof externalId === "string" && EXTERNAL_ID.test(externalId))) {
      throw argumentError("assumeRole", '"externalId" must be 2 to 1224 characters of letters, digits and +=,.@:/_-');
    }
    const now = options.now ?? this.#settings.now;
    const stsEndpoint = options.stsEndpoint ?? this.#settings.stsEndpoint;
    const sts = stsClient(this, region, stsEndpoint);
    const request = {
      roleArn,
      sessionName: options.sessionName ?? `secretwrangler-${now()}`,
      externalId: options.externalId,
      durationSeconds,
    };
    const role = new AwsSession({
      region,
      credentials: () => assumeRole(sts, request),
      stsEndpoint,
      refreshBeforeMs: options.refreshBeforeMs ?? this.#settings.refreshBeforeMs,
      now,
      clientConfig: this.#settings.clientConfig,
    });
    role.#profile = this.#profile;
    role.#roleArn = roleArn;
    role.#source = `role ${roleArn} via ${this.#source}`;
    return role;
  }

  #roleArnFor(options: AssumeRoleOptions, region: string | undefined): string {
    const byName = options.accountId !== undefined || options.roleName !== undefined;
    if ((options.roleArn !== undefined) === byName) {
      throw argumentError("assumeRole", 'pass either "roleArn" or "accountId" and "roleName"');
    }
    if (options.roleArn === undefined) {
      if (options.accountId === undefined || options.roleName === undefined) {
        throw argumentError("assumeRole", '"accountId" and "roleName" go together');
      }
      return iamRoleArn(
        region === undefined ? this.partition : partitionForRegion(region),
        options.accountId,
        options.roleName,
      );
    }
    if (typeof options.roleArn !== "string") throw argumentError("assumeRole", '"roleArn" must be a string');
    let arn: ReturnType<typeof parseArn>;
    try {
      arn = parseArn(options.roleArn);
    } catch {
      throw argumentError("assumeRole", '"roleArn" is not an ARN (arn:<partition>:iam::<account>:role/<name>)');
    }
    if (arn.service !== "iam" || !arn.resource.startsWith("role/")) {
      throw argumentError(
        "assumeRole",
        '"roleArn" is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)',
      );
    }
    if (region !== undefined && partitionForRegion(region) !== arn.partition) {
      throw argumentError(
        "assumeRole",
        `"roleArn": the role is in partition "${arn.partition}" but region "${region}" is in "${partitionForRegion(region)}". ` +
          "Credentials and roles never cross partitions: use a session in the role's partition",
      );
    }
    return options.roleArn;
  }

  /**
   * A value-free description for logs: region, partition and where credentials come from.
   *
   * @example
   * ```ts
   * JSON.stringify(session); // {"region":"cn-north-1","partition":"aws-cn","source":"default chain"}
   * ```
   */
  toJSON(): { region: string | undefined; partition: AwsPartition | undefined; source: string } {
    return {
      region: this.region,
      partition: this.region === undefined ? undefined : partitionForRegion(this.region),
      source: this.#source,
    };
  }

  static {
    // `util.inspect` and `console.log` show toJSON(), never credentials. Installed here rather than as
    // a `[inspect.custom]()` method, which isolatedDeclarations cannot declare.
    Object.defineProperty(AwsSession.prototype, inspect.custom, {
      value(this: AwsSession): string {
        return `AwsSession ${inspect(this.toJSON())}`;
      },
    });
  }
}
