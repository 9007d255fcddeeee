/**
 * The in-memory model behind the memory and file transports: secrets with versions and staging
 * labels that move the way Secrets Manager moves them (a new AWSCURRENT turns the old one into
 * AWSPREVIOUS).
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { ArgumentError, SecretsError } from "../../core/errors.js";
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
function contentVersionId(id: string, content: SecretContent): string {
  versionKey ??= randomBytes(32);
  const hash = createHmac("sha256", versionKey).update(id).update("\0");
  hash.update("secretBinary" in content ? content.secretBinary : content.secretString);
  const hex = hash.digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** What a version holds: a string or bytes. */
type SecretContent = { readonly secretString: string } | { readonly secretBinary: Uint8Array };

/**
 * What a value is stored as. A value JSON cannot represent (undefined, a function, a symbol, a
 * bigint, a cycle) is an {@link ArgumentError} naming the secret, never quoting the value.
 */
function secretContent(id: string, value: LocalSecretValue): SecretContent {
  if (typeof value === "string") return { secretString: value };
  if (value instanceof Uint8Array) return { secretBinary: Uint8Array.from(value) };
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // The message of JSON.stringify's TypeError may name the value's contents: dropped.
    text = undefined;
  }
  if (typeof text !== "string") {
    throw new ArgumentError(
      `secret "${id}": the value must be a string, a Uint8Array or a JSON-serialisable value (no undefined, function, symbol, bigint or cycle)`,
    );
  }
  return { secretString: text };
}

function checkedId(id: unknown): string {
  if (typeof id !== "string" || id === "") throw new ArgumentError("secret id must be a non-empty string");
  return id;
}

/** Secrets held in memory, with versions. */
export class LocalSecretStore {
  readonly #secrets = new Map<string, StoredVersion[]>();
  readonly #transport: string;

  constructor(transport: string, initial: Readonly<Record<string, LocalSecretValue>> = {}) {
    if (typeof initial !== "object" || initial === null || Array.isArray(initial) || initial instanceof Uint8Array) {
      throw new ArgumentError("the secrets must be an object of id -> value");
    }
    this.#transport = transport;
    for (const [id, value] of Object.entries(initial)) {
      const content = secretContent(checkedId(id), value);
      this.#add(id, content, [CURRENT], contentVersionId(id, content));
    }
  }

  /** Stores a new version of `id`, moving its staging labels off older versions. */
  set(id: string, value: LocalSecretValue, options: SetSecretOptions = {}): void {
    checkedId(id);
    if (typeof options !== "object" || options === null) {
      throw new ArgumentError(`secret "${id}": the options must be an object`);
    }
    const { versionStages, versionId } = options;
    if (
      versionStages !== undefined &&
      (!Array.isArray(versionStages) || versionStages.some((stage) => typeof stage !== "string" || stage === ""))
    ) {
      throw new ArgumentError(`secret "${id}": "versionStages" must be an array of non-empty strings`);
    }
    if (versionId !== undefined && (typeof versionId !== "string" || versionId === "")) {
      throw new ArgumentError(`secret "${id}": "versionId" must be a non-empty string`);
    }
    this.#add(id, secretContent(id, value), versionStages ?? [CURRENT], versionId ?? randomUUID());
  }

  #add(id: string, content: SecretContent, versionStages: readonly string[], versionId: string): void {
    const stages = new Set(versionStages);
    const versions = this.#secrets.get(id) ?? [];
    for (const version of versions) {
      if (stages.has(CURRENT) && version.stages.has(CURRENT)) {
        version.stages.delete(CURRENT);
        for (const other of versions) other.stages.delete(PREVIOUS);
        version.stages.add(PREVIOUS);
      }
      for (const stage of stages) if (stage !== CURRENT) version.stages.delete(stage);
    }
    versions.push({ versionId, stages, createdDate: new Date(), ...content });
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
