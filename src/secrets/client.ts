/**
 * The secrets client: the typed reads (`getSecret`, `getSecretJson`, `getSecretBinary`,
 * `getSecretValue`, `getSecretsJson`) on top of one transport.
 */
import { SecretsError } from "../errors.js";
import { type InferSchemaOutput, type StandardSchemaV1, validateWithSchema } from "../schema.js";
import { resolveTransport, type TransportSpec } from "../transports/from-env.js";
import type { BatchResult, SecretRecord, SecretRequest, SecretVersionOptions, Transport } from "../transports/types.js";
import { type DecodeContext, parseJsonText, secretBytes, secretText } from "./decode.js";
import { deepFreeze } from "./freeze.js";

/** Options of every read. */
export interface ReadOptions extends SecretVersionOptions {
  /** Cancels the read. */
  readonly signal?: AbortSignal | undefined;
  /** Skip every cache on the way (this client's and the agent's) and store the fresh value. */
  readonly forceRefresh?: boolean | undefined;
}

/** Options of a JSON read with a schema; the result type is the schema's output. */
export interface SchemaReadOptions<S extends StandardSchemaV1> extends ReadOptions {
  /** Any Standard Schema validator (zod 4, valibot, arktype, ...). */
  readonly schema: S;
}

/** Options of a batch JSON read. */
export interface BatchReadOptions {
  readonly signal?: AbortSignal | undefined;
}

/** A secret version with its metadata, as {@link SecretsClient.getSecretValue} returns it. */
export interface SecretValue extends SecretRecord {}

/** How a {@link SecretsClient} is set up. */
export interface SecretsClientOptions {
  /**
   * Where secrets come from: a {@link Transport} object, or a spec string: `"sdk"`, `"agent"`,
   * `"auto"`, `"memory"` or `"file:<path>"`.
   * @default from `SECRETWRANGLER_TRANSPORT`, else `"sdk"`
   */
  readonly transport?: Transport | TransportSpec | undefined;
}

/**
 * Reads secrets through one transport. Create one with {@link createSecretsClient}.
 *
 * Parsed JSON values are deep-frozen: several callers may share one object.
 */
export interface SecretsClient {
  /** The transport this client reads through. */
  readonly transport: Transport;
  /**
   * Reads a secret's text.
   * @example
   * ```ts
   * const apiKey = await secrets.getSecret('alpha-vantage/api-key');
   * ```
   */
  getSecret(id: string, options?: ReadOptions): Promise<string>;
  /**
   * Reads a secret's text, parses it as JSON and, given a schema, validates it. The result type is
   * the schema's output type.
   * @example
   * ```ts
   * const db = await secrets.getSecretJson('prod/db', { schema: z.object({ password: z.string() }) });
   * ```
   */
  getSecretJson<S extends StandardSchemaV1>(id: string, options: SchemaReadOptions<S>): Promise<InferSchemaOutput<S>>;
  getSecretJson<T = unknown>(id: string, options?: ReadOptions & { readonly schema?: undefined }): Promise<T>;
  /**
   * Reads a binary secret's bytes (a fresh copy each call).
   * @example
   * ```ts
   * const key = await secrets.getSecretBinary('tls/key');
   * ```
   */
  getSecretBinary(id: string, options?: ReadOptions): Promise<Uint8Array>;
  /**
   * Reads a secret version with its metadata (name, ARN, version id, stages, creation date).
   * @example
   * ```ts
   * const previous = await secrets.getSecretValue('prod/db', { versionStage: 'AWSPREVIOUS' });
   * ```
   */
  getSecretValue(id: string, options?: ReadOptions): Promise<SecretValue>;
  /**
   * Reads many JSON secrets (AWSCURRENT) in as few calls as the transport allows. Each id gets its own
   * result; a missing or forbidden id does not fail the others.
   * @example
   * ```ts
   * for (const result of await secrets.getSecretsJson(['a', 'b'])) {
   *   if (result.ok) use(result.value); else log(result.error.code);
   * }
   * ```
   */
  getSecretsJson<S extends StandardSchemaV1>(
    ids: readonly string[],
    options: BatchReadOptions & { readonly schema: S },
  ): Promise<BatchResult<InferSchemaOutput<S>>[]>;
  getSecretsJson<T = unknown>(
    ids: readonly string[],
    options?: BatchReadOptions & { readonly schema?: undefined },
  ): Promise<BatchResult<T>[]>;
  /**
   * A new client with these options laid over this one's.
   * @example
   * ```ts
   * const fresh = secrets.extend({ transport: 'agent' });
   * ```
   */
  extend(options: SecretsClientOptions): SecretsClient;
  /** Releases the transport's sockets and clients. */
  close(): Promise<void>;
}

/**
 * What has been derived from one record: its parsed JSON and its validated forms, one per schema.
 * Keyed weakly by the record, so a cache that hands out the same record object gets parsing and
 * validation done once per fetched version.
 */
interface Derived {
  json?: unknown;
  readonly validated: WeakMap<object, Promise<unknown>>;
}

function unsupported(transport: Transport, operation: string, secretId?: string): SecretsError {
  return new SecretsError({
    code: "CONFIG",
    operation,
    secretId,
    transport: transport.name,
    detail: `the ${transport.name} transport cannot ${operation}`,
  });
}

class DefaultSecretsClient implements SecretsClient {
  readonly transport: Transport;
  readonly #options: SecretsClientOptions;
  readonly #derived = new WeakMap<SecretRecord, Derived>();

  constructor(options: SecretsClientOptions) {
    this.#options = options;
    this.transport = typeof options.transport === "object" ? options.transport : resolveTransport(options.transport);
  }

  #fetch(id: string, options: ReadOptions = {}): Promise<SecretRecord> {
    if (typeof id !== "string" || id === "") {
      return Promise.reject(new TypeError("secret id must be a non-empty string"));
    }
    const request: SecretRequest = {
      id,
      versionId: options.versionId,
      versionStage: options.versionStage,
      signal: options.signal,
      forceRefresh: options.forceRefresh,
    };
    return this.transport.getSecretValue(request);
  }

  #context(id: string): DecodeContext {
    return { secretId: id, transport: this.transport.name };
  }

  #derive(record: SecretRecord): Derived {
    let derived = this.#derived.get(record);
    if (!derived) {
      derived = { validated: new WeakMap() };
      this.#derived.set(record, derived);
    }
    return derived;
  }

  #json(record: SecretRecord, id: string): unknown {
    const derived = this.#derive(record);
    if (!("json" in derived)) {
      const context = this.#context(id);
      derived.json = deepFreeze(parseJsonText(secretText(record, context), context));
    }
    return derived.json;
  }

  #validated(record: SecretRecord, id: string, schema: StandardSchemaV1 | undefined): unknown {
    const json = this.#json(record, id);
    if (schema === undefined) return json;
    const { validated } = this.#derive(record);
    let result = validated.get(schema);
    if (!result) {
      result = validateWithSchema(schema, json, { secretId: id, transport: this.transport.name }).then(deepFreeze);
      validated.set(schema, result);
    }
    return result;
  }

  async getSecret(id: string, options?: ReadOptions): Promise<string> {
    return secretText(await this.#fetch(id, options), this.#context(id));
  }

  async getSecretJson(
    id: string,
    options?: ReadOptions & { readonly schema?: StandardSchemaV1 | undefined },
  ): Promise<never> {
    return this.#validated(await this.#fetch(id, options), id, options?.schema) as never;
  }

  async getSecretBinary(id: string, options?: ReadOptions): Promise<Uint8Array> {
    return secretBytes(await this.#fetch(id, options), this.#context(id));
  }

  async getSecretValue(id: string, options?: ReadOptions): Promise<SecretValue> {
    const record = await this.#fetch(id, options);
    return { ...record, secretBinary: record.secretBinary && Uint8Array.from(record.secretBinary) };
  }

  async getSecretsJson(
    ids: readonly string[],
    options: BatchReadOptions & { readonly schema?: StandardSchemaV1 | undefined } = {},
  ): Promise<never> {
    const unique = [...new Set(ids)];
    const records: BatchResult<SecretRecord>[] = this.transport.batchGetSecretValue
      ? await this.transport.batchGetSecretValue(unique, { signal: options.signal })
      : await Promise.all(
          unique.map((id) =>
            this.#fetch(id, { signal: options.signal }).then(
              (value): BatchResult<SecretRecord> => ({ id, ok: true, value }),
              (error: unknown): BatchResult<SecretRecord> => {
                if (error instanceof SecretsError) return { id, ok: false, error };
                throw error;
              },
            ),
          ),
        );
    const byId = new Map(records.map((result) => [result.id, result]));
    const results = await Promise.all(
      ids.map(async (id): Promise<BatchResult<unknown>> => {
        const record = byId.get(id) ?? { id, ok: false, error: unsupported(this.transport, "batchGetSecretValue", id) };
        if (!record.ok) return record;
        try {
          return { id, ok: true, value: await this.#validated(record.value, id, options.schema) };
        } catch (error) {
          if (error instanceof SecretsError) return { id, ok: false, error };
          throw error;
        }
      }),
    );
    return results as never;
  }

  extend(options: SecretsClientOptions): SecretsClient {
    return new DefaultSecretsClient({ ...this.#options, ...options });
  }

  async close(): Promise<void> {
    await this.transport.close?.();
  }
}

/**
 * Creates a client. Without options it reads `SECRETWRANGLER_TRANSPORT` (default `sdk`).
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: sdkTransport({ region: 'eu-central-1' }) });
 * const db = await secrets.getSecretJson('prod/db', { schema: DbSchema });
 * ```
 */
export function createSecretsClient(options: SecretsClientOptions = {}): SecretsClient {
  return new DefaultSecretsClient(options);
}
