/**
 * The in-memory model behind the memory and file transports: secrets with versions and staging
 * labels that move the way Secrets Manager moves them (a new AWSCURRENT turns the old one into
 * AWSPREVIOUS).
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { SecretsError } from "../../core/errors.js";
import { secretNameCandidates } from "../../transport/secret-id.js";
import type { SecretRecord, SecretRequest } from "../../transport/types.js";

/**
 * A value for the memory and file transports: a string is stored as `SecretString`, a `Uint8Array`
 * as `SecretBinary`, anything else as its JSON text.
 */
export type LocalSecretValue = string | Uint8Array | number | boolean | null | object;

/** Where a new value goes. */
export interface SetSecretOptions {
  /** Staging labels of the new version. @default ["AWSCURRENT"] */
  readonly versionStages?: readonly string[] | undefined;
  /** Version id of the new version. @default a random UUID */
  readonly versionId?: string | undefined;
}

interface StoredVersion {
  readonly versionId: string;
  readonly stages: Set<string>;
  readonly createdDate: Date;
  readonly secretString?: string | undefined;
  readonly secretBinary?: Uint8Array | undefined;
}

const CURRENT = "AWSCURRENT";
const PREVIOUS = "AWSPREVIOUS";

/** The per-process key of {@link contentVersionId}, made on first use. */
let versionKey: Buffer | undefined;

/**
 * A version id derived from the name and the value, shaped like the UUIDs Secrets Manager uses, so
 * that an unchanged secret keeps its id when a file is read again. Keyed (HMAC with a random
 * per-process key), so a logged version id cannot be used to guess a short value offline.
 */
function contentVersionId(id: string, value: LocalSecretValue): string {
  versionKey ??= randomBytes(32);
  const hash = createHmac("sha256", versionKey).update(id).update("\0");
  hash.update(value instanceof Uint8Array ? value : typeof value === "string" ? value : JSON.stringify(value));
  const hex = hash.digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Secrets held in memory, with versions. */
export class LocalSecretStore {
  readonly #secrets = new Map<string, StoredVersion[]>();
  readonly #transport: string;

  constructor(transport: string, initial: Readonly<Record<string, LocalSecretValue>> = {}) {
    this.#transport = transport;
    for (const [id, value] of Object.entries(initial)) this.set(id, value, { versionId: contentVersionId(id, value) });
  }

  /** Stores a new version of `id`, moving its staging labels off older versions. */
  set(id: string, value: LocalSecretValue, options: SetSecretOptions = {}): void {
    const stages = new Set(options.versionStages ?? [CURRENT]);
    const versions = this.#secrets.get(id) ?? [];
    for (const version of versions) {
      if (stages.has(CURRENT) && version.stages.has(CURRENT)) {
        version.stages.delete(CURRENT);
        for (const other of versions) other.stages.delete(PREVIOUS);
        version.stages.add(PREVIOUS);
      }
      for (const stage of stages) if (stage !== CURRENT) version.stages.delete(stage);
    }
    const content =
      typeof value === "string"
        ? { secretString: value }
        : value instanceof Uint8Array
          ? { secretBinary: Uint8Array.from(value) }
          : { secretString: JSON.stringify(value) };
    versions.push({ versionId: options.versionId ?? randomUUID(), stages, createdDate: new Date(), ...content });
    this.#secrets.set(id, versions);
  }

  /** Removes `id` and all its versions. */
  delete(id: string): void {
    this.#secrets.delete(id);
  }

  /** The version a request asks for, or `NOT_FOUND`. */
  get(request: SecretRequest): SecretRecord {
    const name = secretNameCandidates(request.id).find((candidate) => this.#secrets.has(candidate)) ?? request.id;
    const versions = this.#secrets.get(name);
    const stage = request.versionStage ?? (request.versionId === undefined ? CURRENT : undefined);
    const version = versions?.find(
      (candidate) =>
        (request.versionId === undefined || candidate.versionId === request.versionId) &&
        (stage === undefined || candidate.stages.has(stage)),
    );
    if (!version) {
      throw new SecretsError({
        code: "NOT_FOUND",
        operation: "getSecretValue",
        secretId: request.id,
        transport: this.#transport,
        detail: versions ? "no such version" : "no such secret",
      });
    }
    return {
      name,
      versionId: version.versionId,
      versionStages: [...version.stages],
      createdDate: version.createdDate,
      secretString: version.secretString,
      secretBinary: version.secretBinary && Uint8Array.from(version.secretBinary),
    };
  }
}
