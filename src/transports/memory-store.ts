/**
 * The in-memory model behind the memory and file transports: secrets with versions and staging
 * labels that move the way Secrets Manager moves them (a new AWSCURRENT turns the old one into
 * AWSPREVIOUS).
 */
import { randomUUID } from "node:crypto";
import { SecretsError } from "../errors.js";
import type { SecretRecord, SecretRequest } from "./types.js";

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

/** The name inside a Secrets Manager ARN (`arn:aws:secretsmanager:r:a:secret:NAME-AbCdEf`). */
function nameFromId(id: string): string {
  const marker = ":secret:";
  const at = id.startsWith("arn:") ? id.indexOf(marker) : -1;
  return at === -1 ? id : id.slice(at + marker.length);
}

/** Secrets held in memory, with versions. */
export class LocalSecretStore {
  readonly #secrets = new Map<string, StoredVersion[]>();
  readonly #transport: string;

  constructor(transport: string, initial: Readonly<Record<string, LocalSecretValue>> = {}) {
    this.#transport = transport;
    for (const [id, value] of Object.entries(initial)) this.set(id, value);
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
    const name = nameFromId(request.id);
    const versions = this.#secrets.get(name) ?? this.#secrets.get(request.id);
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
