/** A transport that serves secrets from memory: for tests, and for code that wants no AWS at all. */
import { LocalSecretStore, type LocalSecretValue, type SetSecretOptions } from "./memory-store.js";
import type { SecretRecord, SecretRequest, Transport } from "./types.js";

const TRANSPORT_NAME = "memory";

/** A {@link Transport} whose secrets can be changed at run time, e.g. to simulate a rotation. */
export interface MemoryTransport extends Transport {
  /**
   * Stores a new version of a secret. With the default `versionStages: ["AWSCURRENT"]`, the old
   * current version becomes `AWSPREVIOUS`, as in Secrets Manager.
   */
  set(id: string, value: LocalSecretValue, options?: SetSecretOptions): void;
  /** Removes a secret. */
  delete(id: string): void;
}

/**
 * An in-memory transport. Strings are stored as `SecretString`, `Uint8Array`s as `SecretBinary`,
 * other values as their JSON text.
 *
 * @example
 * ```ts
 * const transport = memoryTransport({ 'prod/db': { username: 'app', password: 'pw' } });
 * const secrets = createSecretsClient({ transport, cache: false });
 * transport.set('prod/db', { username: 'app', password: 'rotated' }); // a rotation
 * ```
 */
export function memoryTransport(secrets: Readonly<Record<string, LocalSecretValue>> = {}): MemoryTransport {
  const store = new LocalSecretStore(TRANSPORT_NAME, secrets);
  return {
    name: TRANSPORT_NAME,
    async getSecretValue(request: SecretRequest): Promise<SecretRecord> {
      return store.get(request);
    },
    set: (id, value, options) => store.set(id, value, options),
    delete: (id) => store.delete(id),
  };
}
