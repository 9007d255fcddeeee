/** The option and result types of the reads: secrets, then Parameter Store. */
import type { StandardSchemaV1 } from "../core/schema.js";
import type { Freshness, ParameterType, SecretVersionOptions } from "../transport/types.js";

/**
 * Options of every secret read: which version, how fresh, and cancellation.
 *
 * @example
 * ```ts
 * await secrets.getSecret('api-key', { versionStage: 'AWSPREVIOUS', maxAgeMs: 10_000, signal: AbortSignal.timeout(2_000) });
 * ```
 */
export interface ReadOptions extends SecretVersionOptions, Freshness {
  /** Cancels the read. */
  readonly signal?: AbortSignal | undefined;
}

/** Values that {@link DeepReadonly} leaves as they are: freezing does not reach inside them. */
type Opaque =
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  | ((...args: never[]) => unknown)
  | Date
  | RegExp
  | Error
  | ArrayBufferView
  | ArrayBuffer
  | Map<unknown, unknown>
  | Set<unknown>
  | WeakMap<object, unknown>
  | WeakSet<object>
  | Promise<unknown>;

/**
 * `T` with every plain object and array read-only, all the way down: what the reads return for
 * parsed JSON, which is deep-frozen and may be shared between callers. Class instances (a `Date` a
 * schema made, typed arrays) are left as they are, as the freeze leaves them.
 *
 * @example
 * ```ts
 * const cfg: DeepReadonly<{ db: { port: number } }> = await secrets.getSecretJson('cfg', { schema });
 * cfg.db.port = 1; // does not compile
 * ```
 */
export type DeepReadonly<T> = unknown extends T
  ? T
  : T extends Opaque
    ? T
    : { readonly [K in keyof T]: DeepReadonly<T[K]> };

/**
 * Options of a one-parameter read.
 *
 * @example
 * ```ts
 * await secrets.getParameter('/my-app/prod/flag', { label: 'live' });
 * ```
 */
export interface ParameterReadOptions extends Freshness {
  /** Read this version number instead of the latest. Give at most one of `version` and `label`. */
  readonly version?: number | undefined;
  /** Read the version this label is attached to. Give at most one of `version` and `label`. */
  readonly label?: string | undefined;
  /**
   * Decrypt a `SecureString` (`WithDecryption`). Without it AWS returns the KMS ciphertext, which looks
   * like a valid string; it makes no difference to `String` and `StringList` parameters. Names under
   * `/aws/reference/secretsmanager/` require it.
   * @default true
   */
  readonly decrypt?: boolean | undefined;
  /**
   * The type the parameter must have. Narrows the result type (`StringList` gives `string[]`, the
   * others `string`) and is checked: another type throws `WRONG_TYPE`.
   */
  readonly type?: ParameterType | undefined;
  /** Cancels the read. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * What {@link ParameterReadOptions.type} makes a read return: `string[]` for a `StringList`, a
 * `string` for the others.
 *
 * @example
 * ```ts
 * type Hosts = ParameterValueOf<'StringList'>; // string[]
 * ```
 */
export type ParameterValueOf<T extends ParameterType> = T extends "StringList" ? string[] : string;

/**
 * Options of a many-parameter read.
 *
 * @example
 * ```ts
 * await secrets.getParameters(['/a', '/b'], { decrypt: false });
 * ```
 */
export interface ParametersReadOptions {
  /** Decrypt `SecureString` values. @default true */
  readonly decrypt?: boolean | undefined;
  /** Cancels the read. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Options of a path read.
 *
 * @example
 * ```ts
 * await secrets.getParametersByPath('/my-app/prod', { recursive: false, shape: 'flat' });
 * ```
 */
export interface ParametersByPathReadOptions extends Freshness {
  /**
   * Read the whole hierarchy under the path, not only its direct children. Note that AWS's own
   * default is `false`.
   * @default true
   */
  readonly recursive?: boolean | undefined;
  /** Decrypt `SecureString` values. @default true */
  readonly decrypt?: boolean | undefined;
  /**
   * `"tree"`: one nested object per path segment (`/my-app/prod/db/password` under `/my-app/prod`
   * is `{ db: { password } }`). `"flat"`: one key per parameter, its name relative to the path
   * (`"db/password"`).
   * @default "tree"
   */
  readonly shape?: "tree" | "flat" | undefined;
  /**
   * `"preserve"` keeps each segment as it is; `"camelCase"` turns `api-url`, `api_url` and `api.url`
   * into `apiUrl` (words in capitals are lower-cased first: `DB_HOST` is `dbHost`).
   * @default "preserve"
   */
  readonly keys?: "preserve" | "camelCase" | undefined;
  /** Any Standard Schema validator (zod 4, valibot, arktype, ...) the result must match. */
  readonly schema?: StandardSchemaV1 | undefined;
  /** Cancels the read. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Parameters under a path as nested objects; a `StringList` is an array. Deep-frozen.
 *
 * @example
 * ```ts
 * const tree: ParameterTree = await secrets.getParametersByPath('/my-app/prod');
 * ```
 */
export interface ParameterTree {
  readonly [key: string]: string | readonly string[] | ParameterTree;
}

/**
 * Parameters under a path by their name relative to it (`"db/password"`). Deep-frozen.
 *
 * @example
 * ```ts
 * const map: ParameterMap = await secrets.getParametersByPath('/my-app/prod', { shape: 'flat' });
 * ```
 */
export interface ParameterMap {
  readonly [key: string]: string | readonly string[];
}
