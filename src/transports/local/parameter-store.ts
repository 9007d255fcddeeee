/**
 * The in-memory Parameter Store behind the memory and file transports: numbered versions, labels
 * that move between versions, `/aws/reference/secretsmanager/<id>` names answered from the
 * transport's secrets, path reads, and the Parameter Store writes (put with `overwrite`, label a
 * version, delete).
 */
import { ArgumentError, SecretsError, type SecretsErrorCode } from "../../core/errors.js";
import {
  isSecretReference,
  SECRET_REFERENCE_PREFIX,
  selectorSuffix,
  splitSelector,
} from "../../transport/parameter-name.js";
import {
  type BatchResult,
  isParameterType,
  type ParameterRecord,
  type ParameterRequest,
  type ParametersByPathOptions,
  type ParameterType,
  type Transport,
} from "../../transport/types.js";
import {
  type DeleteParameterRequest,
  type LabelParameterVersionRequest,
  type LabelParameterVersionResult,
  PARAMETER_MAX_BYTES,
  type PutParameterRequest,
  type PutParameterResult,
} from "../../transport/writes.js";
import type { LocalSecretStore } from "./secret-store.js";

/**
 * A parameter for the memory and file transports: a string is a `String`, a string array a
 * `StringList`, and `{ type, value }` gives the type explicitly (e.g. a `SecureString`).
 *
 * @example
 * ```ts
 * const parameters: Record<string, LocalParameterValue> = {
 *   '/my-app/prod/api-url': 'https://api.example.com',
 *   '/my-app/prod/hosts': ['a.example.com', 'b.example.com'],
 *   '/my-app/prod/db/password': { type: 'SecureString', value: 'local-password' },
 * };
 * ```
 */
export type LocalParameterValue =
  | string
  | readonly string[]
  | { readonly type: ParameterType; readonly value: string | readonly string[] };

/**
 * Where a new parameter version goes.
 *
 * @example
 * ```ts
 * transport.setParameter('/my-app/prod/flag', 'on', { labels: ['live'] });
 * ```
 */
export interface SetParameterOptions {
  /** Labels to attach to the new version; they move off any older version that had them. */
  readonly labels?: readonly string[] | undefined;
}

interface StoredParameter {
  readonly version: number;
  readonly type: ParameterType;
  readonly value: string;
  readonly labels: Set<string>;
  readonly lastModifiedDate: Date;
  readonly tier?: string | undefined;
}

/** Parameter Store keeps at most 100 versions of a parameter, and 10 labels on a version. */
const MAX_VERSIONS = 100;
const MAX_LABELS = 10;
/** A label: letters, digits, `.`, `-`, `_`; not starting with a digit, `aws` or `ssm`. */
const LABEL = /^(?![0-9])(?!aws|ssm)[a-zA-Z0-9._-]{1,100}$/i;

function listText(name: string, items: readonly unknown[]): string {
  if (items.some((item) => typeof item !== "string" || item.includes(","))) {
    throw new ArgumentError(`parameter "${name}": StringList items must be strings without commas`);
  }
  return items.join(",");
}

/** The type and stored text of a local value. Errors name the parameter, never the value. */
function normalize(name: string, value: LocalParameterValue): { type: ParameterType; value: string } {
  if (typeof value === "string") return { type: "String", value };
  if (Array.isArray(value)) return { type: "StringList", value: listText(name, value) };
  const typed = value as { type?: unknown; value?: unknown };
  if (typeof typed === "object" && typed !== null && isParameterType(typed.type)) {
    const type = typed.type;
    if (typeof typed.value === "string") return { type, value: typed.value };
    if (type === "StringList" && Array.isArray(typed.value)) return { type, value: listText(name, typed.value) };
  }
  throw new ArgumentError(
    `parameter "${name}": expected a string, a string array or { type: "String" | "StringList" | "SecureString", value }`,
  );
}

/** What AWS returns for an undecrypted SecureString is KMS ciphertext; locally, an opaque stand-in. */
function ciphertext(name: string, version: number): string {
  return Buffer.from(`secretwrangler-local-ciphertext:${name}:${version}`).toString("base64");
}

/** The name inside an SSM ARN (`arn:aws:ssm:r:a:parameter/app/flag` -> `/app/flag`). */
function candidateNames(id: string): string[] {
  const marker = ":parameter/";
  const at = id.startsWith("arn:") ? id.indexOf(marker) : -1;
  if (at === -1) return [id];
  const rest = id.slice(at + marker.length);
  return [`/${rest}`, rest];
}

/** Parameters held in memory, with versions and labels. */
export class LocalParameterStore {
  readonly #parameters = new Map<string, StoredParameter[]>();
  readonly #transport: string;
  readonly #secrets: LocalSecretStore | undefined;

  constructor(
    transport: string,
    initial: Readonly<Record<string, LocalParameterValue>> = {},
    secrets?: LocalSecretStore | undefined,
  ) {
    if (typeof initial !== "object" || initial === null || Array.isArray(initial)) {
      throw new ArgumentError("the parameters must be an object of name -> value");
    }
    this.#transport = transport;
    this.#secrets = secrets;
    for (const [name, value] of Object.entries(initial)) this.set(name, value);
  }

  /** Stores a new version of `name` (version 1, 2, ...), moving the given labels onto it. */
  set(name: string, value: LocalParameterValue, options: SetParameterOptions = {}): void {
    if (typeof name !== "string" || name === "" || name.includes(":")) {
      throw new ArgumentError("parameter name must be a non-empty string without ':'");
    }
    const content = normalize(name, value);
    if (typeof options !== "object" || options === null) {
      throw new ArgumentError(`parameter "${name}": the options must be an object`);
    }
    if (options.labels !== undefined && !Array.isArray(options.labels)) {
      throw new ArgumentError(`parameter "${name}": "labels" must be an array of strings`);
    }
    const labels = new Set(options.labels ?? []);
    for (const label of labels) {
      if (typeof label !== "string" || label === "" || /^\d/.test(label)) {
        throw new ArgumentError(`parameter "${name}": labels must be non-empty and must not begin with a number`);
      }
    }
    const versions = this.#parameters.get(name) ?? [];
    for (const older of versions) for (const label of labels) older.labels.delete(label);
    const version = (versions.at(-1)?.version ?? 0) + 1;
    versions.push({ version, ...content, labels, lastModifiedDate: new Date() });
    this.#parameters.set(name, versions);
  }

  /** Removes `name` and all its versions. */
  delete(name: string): void {
    this.#parameters.delete(name);
  }

  #error(code: SecretsErrorCode, operation: string, name: string, detail: string): SecretsError {
    return new SecretsError({ code, operation, secretId: name, transport: this.#transport, detail });
  }

  /** PutParameter: version 1 of a new parameter, or (with `overwrite`) the next version. */
  put(request: PutParameterRequest): PutParameterResult {
    const { name } = request;
    if (name.includes(":") || isSecretReference(name)) {
      throw this.#error("INVALID_REQUEST", "putParameter", name, "not a name a parameter can have");
    }
    const versions = this.#parameters.get(name) ?? [];
    if (versions.length > 0 && request.overwrite !== true) {
      throw this.#error(
        "ALREADY_EXISTS",
        "putParameter",
        name,
        "the parameter exists; pass overwrite: true for a new version",
      );
    }
    if (versions.length >= MAX_VERSIONS) {
      throw this.#error("LIMIT_EXCEEDED", "putParameter", name, `a parameter has at most ${MAX_VERSIONS} versions`);
    }
    const bytes = Buffer.byteLength(request.value);
    const tier =
      request.tier === "Intelligent-Tiering"
        ? bytes > PARAMETER_MAX_BYTES.Standard
          ? "Advanced"
          : "Standard"
        : (request.tier ?? versions.at(-1)?.tier ?? "Standard");
    const version = (versions.at(-1)?.version ?? 0) + 1;
    versions.push({
      version,
      type: request.type,
      value: request.value,
      labels: new Set(),
      lastModifiedDate: new Date(),
      tier,
    });
    this.#parameters.set(name, versions);
    return { version, tier };
  }

  /** LabelParameterVersion: labels that break the naming rules are returned, the others move onto the version. */
  label(request: LabelParameterVersionRequest): LabelParameterVersionResult {
    const { name } = request;
    const operation = "labelParameterVersion";
    const versions = this.#parameters.get(name);
    if (versions === undefined) throw this.#error("NOT_FOUND", operation, name, "no such parameter");
    const target =
      request.version === undefined ? versions.at(-1) : versions.find((stored) => stored.version === request.version);
    if (target === undefined) throw this.#error("NOT_FOUND", operation, name, "no such version");
    const invalidLabels = request.labels.filter((label) => !LABEL.test(label));
    const valid = request.labels.filter((label) => LABEL.test(label));
    if (new Set([...target.labels, ...valid]).size > MAX_LABELS) {
      throw this.#error("LIMIT_EXCEEDED", operation, name, `a version has at most ${MAX_LABELS} labels`);
    }
    for (const stored of versions) for (const label of valid) stored.labels.delete(label);
    for (const label of valid) target.labels.add(label);
    return { invalidLabels, parameterVersion: target.version };
  }

  /** DeleteParameter. */
  remove(request: DeleteParameterRequest): void {
    if (!this.#parameters.delete(request.name)) {
      throw this.#error("NOT_FOUND", "deleteParameter", request.name, "no such parameter");
    }
  }

  /** The latest version of every parameter, for the file transport to write out. */
  latestValues(): Map<string, { readonly type: ParameterType; readonly value: string }> {
    const values = new Map<string, { readonly type: ParameterType; readonly value: string }>();
    for (const [name, versions] of this.#parameters) {
      const latest = versions.at(-1);
      if (latest !== undefined) values.set(name, { type: latest.type, value: latest.value });
    }
    return values;
  }

  #notFound(operation: string, requested: string, detail: string, cause?: unknown): SecretsError {
    return new SecretsError({
      code: "NOT_FOUND",
      operation,
      secretId: requested,
      transport: this.#transport,
      detail,
      cause,
    });
  }

  #record(name: string, stored: StoredParameter, request: ParameterRequest): ParameterRecord {
    const encrypted = stored.type === "SecureString" && request.decrypt === false;
    const selector = selectorSuffix(request);
    return {
      name,
      type: stored.type,
      value: encrypted ? ciphertext(name, stored.version) : stored.value,
      version: stored.version,
      lastModifiedDate: stored.lastModifiedDate,
      dataType: "text",
      selector: selector === "" ? undefined : selector,
    };
  }

  /** A secret read through `/aws/reference/secretsmanager/<id>`; a label selects a staging label. */
  #reference(request: ParameterRequest, operation: string, requested: string): ParameterRecord {
    const id = request.name.slice(SECRET_REFERENCE_PREFIX.length);
    if (!this.#secrets) throw this.#notFound(operation, requested, "this transport holds no secrets");
    if (request.version !== undefined) {
      throw new SecretsError({
        code: "INVALID_REQUEST",
        operation,
        secretId: requested,
        transport: this.#transport,
        detail: "select a referenced secret's version by its staging label, not a number",
      });
    }
    let secret: ReturnType<LocalSecretStore["get"]>;
    try {
      secret = this.#secrets.get({ id, versionStage: request.label });
    } catch (error) {
      throw this.#notFound(operation, requested, "no such secret or staging label", error);
    }
    if (typeof secret.secretString !== "string") {
      throw new SecretsError({
        code: "WRONG_TYPE",
        operation,
        secretId: requested,
        transport: this.#transport,
        detail: "the referenced secret is binary; use getSecretBinary",
      });
    }
    const { name, versionId, versionStages, createdDate } = secret;
    return {
      name: request.name,
      type: "SecureString",
      value: secret.secretString,
      version: 0,
      lastModifiedDate: createdDate,
      selector: request.label === undefined ? undefined : `:${request.label}`,
      // The metadata only: AWS also puts the secret's value here, which a local store has no reason to copy.
      sourceResult: JSON.stringify({ name, versionId, versionStages, createdDate }),
    };
  }

  /** The version a request asks for, or `NOT_FOUND`. */
  get(request: ParameterRequest, operation = "getParameter"): ParameterRecord {
    const requested = `${request.name}${selectorSuffix(request)}`;
    if (isSecretReference(request.name)) return this.#reference(request, operation, requested);
    const name = candidateNames(request.name).find((candidate) => this.#parameters.has(candidate));
    const versions = name === undefined ? undefined : this.#parameters.get(name);
    if (name === undefined || versions === undefined) throw this.#notFound(operation, requested, "no such parameter");
    const stored =
      request.version !== undefined
        ? versions.find((candidate) => candidate.version === request.version)
        : request.label !== undefined
          ? versions.find((candidate) => candidate.labels.has(request.label as string))
          : versions.at(-1);
    if (!stored) throw this.#notFound(operation, requested, "no such version or label");
    return this.#record(name, stored, request);
  }

  /** One result per name; a name may carry a selector (`/app/flag:3`). */
  getMany(names: readonly string[], decrypt: boolean): BatchResult<ParameterRecord>[] {
    return names.map((id): BatchResult<ParameterRecord> => {
      try {
        return { id, ok: true, value: this.get({ ...splitSelector(id), decrypt }, "getParameters") };
      } catch (error) {
        if (error instanceof SecretsError) return { id, ok: false, error };
        throw error;
      }
    });
  }

  /** The latest version of every parameter under `path`, sorted by name. */
  byPath(path: string, recursive: boolean, decrypt: boolean): ParameterRecord[] {
    const prefix = path.endsWith("/") ? path : `${path}/`;
    return [...this.#parameters.keys()]
      .filter((name) => name.startsWith(prefix) && (recursive || !name.slice(prefix.length).includes("/")))
      .sort()
      .map((name) => this.get({ name, decrypt }, "getParametersByPath"));
  }
}

/**
 * The parameter methods of a transport backed by a {@link LocalParameterStore}; `store` may be
 * asynchronous (the file transport reads its file first).
 */
export function localParameterMethods(
  store: () => LocalParameterStore | Promise<LocalParameterStore>,
): Required<Pick<Transport, "getParameter" | "getParameters" | "getParametersByPath">> {
  return {
    async getParameter(request: ParameterRequest): Promise<ParameterRecord> {
      return (await store()).get(request);
    },
    async getParameters(names, options = {}) {
      return (await store()).getMany(names, options.decrypt !== false);
    },
    async getParametersByPath(path, options: ParametersByPathOptions = {}) {
      return (await store()).byPath(path, options.recursive !== false, options.decrypt !== false);
    },
  };
}
