/** A transport that serves secrets from memory: for tests, and for code that wants no AWS at all. */

import { ArgumentError } from "../core/errors.js";
import type { SecretRecord, SecretRequest, Transport } from "../transport/types.js";
import type { DeleteParameterRequest } from "../transport/writes.js";
import {
  LocalParameterStore,
  type LocalParameterValue,
  localParameterMethods,
  type SetParameterOptions,
} from "./local/parameter-store.js";
import { LocalSecretStore, type LocalSecretValue, type SetSecretOptions } from "./local/secret-store.js";
import { localWriteMethods } from "./local/writes.js";

const TRANSPORT_NAME = "memory";

/**
 * A {@link Transport} whose secrets can be changed at run time, e.g. to simulate a rotation: with
 * `set()` and the other helpers below, or with the writes of the contract (`createSecret`,
 * `putSecretValue`, ..., see docs/writes.md), which the client calls.
 */
export interface MemoryTransport extends Transport {
  /**
   * Stores a new version of a secret. With the default `versionStages: ["AWSCURRENT"]`, the old
   * current version becomes `AWSPREVIOUS`, as in Secrets Manager.
   */
  set(id: string, value: LocalSecretValue, options?: SetSecretOptions): void;
  /** Removes a secret. */
  delete(id: string): void;
  /**
   * Stores a new version of an SSM parameter (1, 2, ...), moving `labels` onto it. A string is a
   * `String`, a string array a `StringList`; `{ type, value }` sets the type explicitly.
   */
  setParameter(name: string, value: LocalParameterValue, options?: SetParameterOptions): void;
  /** Removes a parameter and its versions. */
  deleteParameter(name: string): void;
  /** DeleteParameter, as the contract has it: `NOT_FOUND` if there is no such parameter. */
  deleteParameter(request: DeleteParameterRequest): Promise<void>;
}

/**
 * Options of {@link memoryTransport}.
 *
 * @example
 * ```ts
 * memoryTransport({}, { parameters: { '/my-app/prod/api-url': 'https://api.example.com' } });
 * ```
 */
export interface MemoryTransportOptions {
  /** SSM parameters by name, each stored as version 1. See {@link LocalParameterValue}. */
  readonly parameters?: Readonly<Record<string, LocalParameterValue>> | undefined;
}

/**
 * An in-memory transport. Strings are stored as `SecretString`, `Uint8Array`s as `SecretBinary`,
 * other values as their JSON text. It serves SSM parameters too (`options.parameters`), including
 * `/aws/reference/secretsmanager/<id>` names that read its secrets.
 *
 * @example
 * ```ts
 * const transport = memoryTransport({ 'prod/db': { username: 'app', password: 'pw' } });
 * const secrets = createSecretsClient({ transport, cache: false });
 * transport.set('prod/db', { username: 'app', password: 'rotated' }); // a rotation
 * ```
 */
export function memoryTransport(
  secrets: Readonly<Record<string, LocalSecretValue>> = {},
  options: MemoryTransportOptions = {},
): MemoryTransport {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ArgumentError("memoryTransport: the options must be an object");
  }
  const store = new LocalSecretStore(TRANSPORT_NAME, secrets);
  const parameters = new LocalParameterStore(TRANSPORT_NAME, options.parameters, store);
  const stores = { secrets: store, parameters };
  const writes = localWriteMethods(TRANSPORT_NAME, async (call) => call(stores));
  return {
    name: TRANSPORT_NAME,
    cacheByDefault: false,
    async getSecretValue(request: SecretRequest): Promise<SecretRecord> {
      return store.get(request);
    },
    ...localParameterMethods(() => parameters),
    set: (id, value, options) => store.set(id, value, options),
    delete: (id) => store.delete(id),
    setParameter: (name, value, options) => parameters.set(name, value, options),
    ...writes,
    deleteParameter: ((name: string | DeleteParameterRequest) =>
      typeof name === "string"
        ? parameters.delete(name)
        : writes.deleteParameter(name)) as MemoryTransport["deleteParameter"],
  };
}
