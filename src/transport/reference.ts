/**
 * Secret references: the strings the AWS tools write where a secret's value should go. A pure
 * parser, with no I/O: CloudFormation dynamic references (`{{resolve:secretsmanager:...}}`,
 * `{{resolve:ssm:...}}`, `{{resolve:ssm-secure:...}}`), the `valueFrom` of an ECS task definition's
 * `secrets` (a secret ARN with `:<json-key>:<version-stage>:<version-id>` appended, a parameter ARN
 * or a parameter name) and Parameter Store's `/aws/reference/secretsmanager/<id>`. See
 * `docs/references.md` for the grammar and its sources.
 *
 * A malformed reference is a problem of the configuration it came from: a `CONFIG`
 * {@link SecretsError} whose message describes what is wrong and never quotes the text (a value
 * that merely looks like a reference may be a secret itself).
 */
import { isAwsPartition } from "../aws/partition.js";
import { ArgumentError, SecretsError } from "../core/errors.js";
import { SECRET_REFERENCE_PREFIX } from "./parameter-name.js";

/**
 * Where a reference's syntax comes from: a CloudFormation dynamic reference (`{{resolve:...}}`), an
 * ECS `valueFrom` (an ARN, or a parameter name), or a Parameter Store name that reads a secret
 * (`/aws/reference/secretsmanager/<id>`).
 */
export type ReferenceForm = "cloudformation" | "ecs" | "parameter-store";

/**
 * A reference to a Secrets Manager secret, or to one JSON key of it.
 *
 * @example
 * ```ts
 * const reference: SecretReference = { kind: 'secret', form: 'cloudformation', id: 'prod/db', jsonKey: 'password' };
 * ```
 */
export interface SecretReference {
  readonly kind: "secret";
  readonly form: ReferenceForm;
  /** The secret's name or ARN, as written. */
  readonly id: string;
  /** The key of the secret's JSON object whose value is meant; absent for the whole secret text. */
  readonly jsonKey?: string | undefined;
  /** A staging label (`AWSPREVIOUS`); absent for the default, `AWSCURRENT`. Never given with `versionId`. */
  readonly versionStage?: string | undefined;
  /** A version id; never given with `versionStage`. */
  readonly versionId?: string | undefined;
}

/**
 * A reference to an SSM parameter (which may be `/aws/reference/secretsmanager/<id>`, a secret read
 * through Parameter Store).
 *
 * @example
 * ```ts
 * const reference: ParameterReference = { kind: 'parameter', form: 'cloudformation', name: '/app/url', version: 3, decrypt: false };
 * ```
 */
export interface ParameterReference {
  readonly kind: "parameter";
  readonly form: ReferenceForm;
  /** The parameter's name or ARN; for `/aws/reference/secretsmanager/<id>:<selector>`, with its selector. */
  readonly name: string;
  /** A version number; absent for the latest. */
  readonly version?: number | undefined;
  /**
   * Whether a `SecureString` is meant decrypted: `false` for CloudFormation's `ssm` (which serves
   * `String` and `StringList` only), `true` for `ssm-secure`, ECS and `/aws/reference/...`.
   */
  readonly decrypt: boolean;
}

/**
 * A parsed reference: to a secret or to a parameter.
 *
 * @example
 * ```ts
 * const reference: Reference | undefined = parseReference(value);
 * if (reference?.kind === 'secret') console.log(reference.id, reference.jsonKey);
 * ```
 */
export type Reference = SecretReference | ParameterReference;

/** One piece of a configuration value: literal text, or a reference to substitute. */
export type ReferencePart = string | Reference;

/** Where an embedded CloudFormation dynamic reference starts and ends. */
const RESOLVE_OPEN = "{{resolve:";
const RESOLVE_CLOSE = "}}";
/** Secret names: ASCII letters, digits and `/_+=.@-` (the Secrets Manager naming rule). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;
/** Parameter names: ASCII letters, digits and `_.-/` (the Parameter Store naming rule). */
const PARAMETER_NAME = /^[A-Za-z0-9_./-]+$/;
/** Staging labels, version ids and JSON keys: anything but whitespace and controls (colons are split off already). */
const TOKEN = /^[^\s\p{Cc}]+$/u;
const REGION = /^[a-z0-9-]+$/;
const ACCOUNT = /^\d{12}$/;
/** The fields of `arn:<partition>:<service>:<region>:<account>:secret:<name>`. */
const SECRET_ARN_FIELDS = 7;

function malformed(detail: string, secretId?: string): SecretsError {
  return new SecretsError({
    code: "CONFIG",
    operation: "parseReference",
    secretId,
    detail,
    hint: "See docs/references.md for the reference forms",
  });
}

/** The partition, region and account fields of an ARN, checked. */
function checkArnHead(fields: readonly string[], what: string): void {
  const [, partition = "", , region = "", account = ""] = fields;
  if (!isAwsPartition(partition)) throw malformed(`${what} has an unknown partition`);
  if (!REGION.test(region)) throw malformed(`${what} has no region`);
  if (!ACCOUNT.test(account)) throw malformed(`${what} has no 12-digit account id`);
}

/** A secret ARN from the first fields of `fields`, checked; what follows is the caller's. */
function secretArn(fields: readonly string[]): string {
  if (fields.length < SECRET_ARN_FIELDS)
    throw malformed("the secret ARN is incomplete (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)");
  checkArnHead(fields, "the secret ARN");
  if (fields[5] !== "secret") throw malformed('the secret ARN has no "secret:" resource');
  if (!SECRET_NAME.test(fields[6] ?? "")) throw malformed("the secret ARN has no valid secret name");
  return fields.slice(0, SECRET_ARN_FIELDS).join(":");
}

/** The optional trailing parts of a secret reference: JSON key, version stage, version id (empty = absent). */
function secretReference(
  form: ReferenceForm,
  id: string,
  jsonKey: string | undefined,
  versionStage: string | undefined,
  versionId: string | undefined,
): SecretReference {
  for (const [part, name] of [
    [jsonKey, "JSON key"],
    [versionStage, "version stage"],
    [versionId, "version id"],
  ] as const) {
    if (part && !TOKEN.test(part)) throw malformed(`the ${name} holds whitespace or control characters`, id);
  }
  if (versionStage && versionId) throw malformed("give a version stage or a version id, not both", id);
  return {
    kind: "secret",
    form,
    id,
    ...(jsonKey ? { jsonKey } : {}),
    ...(versionStage ? { versionStage } : {}),
    ...(versionId ? { versionId } : {}),
  };
}

/** `<id>[:SecretString[:<json-key>[:<version-stage>[:<version-id>]]]]`, the id a name or an ARN. */
function parseSecretsManagerKey(key: string): SecretReference {
  const fields = key.split(":");
  let id: string;
  let rest: string[];
  if (fields[0] === "arn") {
    id = secretArn(fields);
    rest = fields.slice(SECRET_ARN_FIELDS);
  } else {
    id = fields[0] ?? "";
    if (!SECRET_NAME.test(id)) throw malformed("the secretsmanager reference has no valid secret id");
    rest = fields.slice(1);
  }
  if (rest.length > 4) throw malformed("the secretsmanager reference has too many parts", id);
  const [secretString = "", jsonKey, versionStage, versionId] = rest;
  if (secretString !== "" && secretString !== "SecretString") {
    throw malformed('the second part of a secretsmanager reference must be "SecretString"', id);
  }
  return secretReference("cloudformation", id, jsonKey, versionStage, versionId);
}

/** A parameter ARN `arn:<partition>:ssm:<region>:<account>:parameter/<name>`, checked. */
function parameterArn(fields: readonly string[]): string {
  checkArnHead(fields, "the parameter ARN");
  const resource = fields[5] ?? "";
  if (!resource.startsWith("parameter/") || !PARAMETER_NAME.test(resource.slice("parameter/".length))) {
    throw malformed("the parameter ARN has no valid parameter/<name> resource");
  }
  return fields.slice(0, 6).join(":");
}

function parameterVersion(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1)
    throw malformed("the parameter version must be a positive integer", name);
  return Number(text);
}

/** `<name>[:<version>]`, the name a parameter name or ARN. */
function parseSsmKey(key: string, decrypt: boolean): ParameterReference {
  const fields = key.split(":");
  let name: string;
  let rest: string[];
  if (fields[0] === "arn") {
    if (fields.length < 6) throw malformed("the parameter ARN is incomplete");
    name = parameterArn(fields);
    rest = fields.slice(6);
  } else {
    name = fields[0] ?? "";
    if (!PARAMETER_NAME.test(name)) throw malformed("the ssm reference has no valid parameter name");
    rest = fields.slice(1);
  }
  if (rest.length > 1) throw malformed("the ssm reference has too many parts", name);
  const version = parameterVersion(rest[0], name);
  return { kind: "parameter", form: "cloudformation", name, ...(version === undefined ? {} : { version }), decrypt };
}

/** The inside of `{{resolve:<service>:<key>}}`: what follows `resolve:`. */
function parseDynamicReference(inner: string): Reference {
  const colon = inner.indexOf(":");
  const service = colon === -1 ? inner : inner.slice(0, colon);
  const key = colon === -1 ? "" : inner.slice(colon + 1);
  if (key === "") throw malformed("the dynamic reference names no secret or parameter");
  switch (service) {
    case "secretsmanager":
      return parseSecretsManagerKey(key);
    case "ssm":
      return parseSsmKey(key, false);
    case "ssm-secure":
      return parseSsmKey(key, true);
    default:
      throw malformed('unknown dynamic reference service; expected "secretsmanager", "ssm" or "ssm-secure"');
  }
}

/** `/aws/reference/secretsmanager/<id>[:<version-id or stage>]`, read through Parameter Store. */
function parseParameterStoreReference(text: string): ParameterReference {
  const id = text.slice(SECRET_REFERENCE_PREFIX.length);
  if (id === "" || !TOKEN.test(id)) throw malformed("the /aws/reference/secretsmanager/ name has no valid secret id");
  return { kind: "parameter", form: "parameter-store", name: text, decrypt: true };
}

/**
 * An ECS-style ARN: a secret ARN with up to three parts appended (`:<json-key>:<version-stage>:<version-id>`,
 * empty parts allowed), or a parameter ARN. `undefined` for an ARN of another service or resource.
 */
function parseArnReference(text: string): Reference | undefined {
  const fields = text.split(":");
  if (fields[0] !== "arn" || fields.length < 6) return undefined;
  if (fields[2] === "secretsmanager") {
    const id = secretArn(fields);
    const rest = fields.slice(SECRET_ARN_FIELDS);
    if (rest.length > 3) throw malformed("the secret ARN has too many parts after the name", id);
    const [jsonKey, versionStage, versionId] = rest;
    return secretReference("ecs", id, jsonKey, versionStage, versionId);
  }
  if (fields[2] === "ssm" && (fields[5] ?? "").startsWith("parameter/")) {
    if (fields.length > 6) throw malformed("the parameter ARN has parts after the name");
    return { kind: "parameter", form: "ecs", name: parameterArn(fields), decrypt: true };
  }
  return undefined;
}

function checkText(text: unknown, function_: string): asserts text is string {
  if (typeof text !== "string") throw new ArgumentError(`${function_}: the text must be a string`);
}

/**
 * The reference a whole string is, or `undefined` when it is none: a CloudFormation dynamic
 * reference (`{{resolve:...}}`, the whole string), a secret ARN with the ECS suffix
 * (`arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>[:<version-stage>[:<version-id>]]]`),
 * a parameter ARN (`arn:aws:ssm:<region>:<account>:parameter/<name>`) or
 * `/aws/reference/secretsmanager/<id>`. A bare parameter name is not a reference here (it cannot be
 * told from a path); {@link parseValueFrom} reads one. Throws a `CONFIG` {@link SecretsError} for a
 * string that is a reference by its form but malformed (an unterminated `{{resolve:`, a secret ARN
 * without a region, both a version stage and a version id, ...).
 *
 * @example
 * ```ts
 * parseReference('{{resolve:secretsmanager:prod/db:SecretString:password}}');
 * // { kind: 'secret', form: 'cloudformation', id: 'prod/db', jsonKey: 'password' }
 * parseReference('https://example.com'); // undefined
 * ```
 */
export function parseReference(text: string): Reference | undefined {
  checkText(text, "parseReference");
  if (text.startsWith(RESOLVE_OPEN)) {
    const end = text.indexOf(RESOLVE_CLOSE, RESOLVE_OPEN.length);
    if (end === -1) throw malformed('the dynamic reference has no closing "}}"');
    if (end + RESOLVE_CLOSE.length !== text.length) return undefined;
    return parseDynamicReference(text.slice(RESOLVE_OPEN.length, end));
  }
  if (text.startsWith(SECRET_REFERENCE_PREFIX)) return parseParameterStoreReference(text);
  return parseArnReference(text);
}

/**
 * Parses the `valueFrom` of an ECS task definition's `secrets` entry: a secret ARN with the optional
 * `:<json-key>:<version-stage>:<version-id>` parts, a parameter ARN, or a parameter name (which
 * ECS accepts for a parameter in the task's Region). Throws a `CONFIG` {@link SecretsError} for
 * anything else.
 *
 * @example
 * ```ts
 * parseValueFrom('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf:password::');
 * // { kind: 'secret', form: 'ecs', id: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf', jsonKey: 'password' }
 * parseValueFrom('/my-app/prod/api-url'); // { kind: 'parameter', form: 'ecs', name: '/my-app/prod/api-url', decrypt: true }
 * ```
 */
export function parseValueFrom(text: string): Reference {
  checkText(text, "parseValueFrom");
  if (text.startsWith("arn:")) {
    const reference = parseArnReference(text);
    if (reference === undefined)
      throw malformed("valueFrom must be a Secrets Manager secret ARN or an SSM parameter ARN");
    return reference;
  }
  if (text.startsWith(SECRET_REFERENCE_PREFIX)) return parseParameterStoreReference(text);
  if (!PARAMETER_NAME.test(text)) throw malformed("valueFrom is neither an ARN nor a valid parameter name");
  return { kind: "parameter", form: "ecs", name: text, decrypt: true };
}

/**
 * Splits a configuration value into literal text and references: a value that as a whole is a
 * reference ({@link parseReference}) gives that one reference; otherwise every CloudFormation
 * dynamic reference embedded in it (`postgres://app:{{resolve:ssm-secure:/db/pw}}@db/app`) is a
 * part of its own. A value without references gives itself (or nothing, when empty). ARNs and
 * `/aws/reference/...` names count only as the whole value. Throws a `CONFIG` {@link SecretsError}
 * for a malformed reference.
 *
 * @example
 * ```ts
 * splitReferences('https://{{resolve:ssm:/app/host}}/api');
 * // ['https://', { kind: 'parameter', form: 'cloudformation', name: '/app/host', decrypt: false }, '/api']
 * ```
 */
export function splitReferences(text: string): readonly ReferencePart[] {
  checkText(text, "splitReferences");
  const whole = text.startsWith(RESOLVE_OPEN) ? undefined : parseReference(text);
  if (whole !== undefined) return [whole];
  const parts: ReferencePart[] = [];
  let position = 0;
  for (;;) {
    const start = text.indexOf(RESOLVE_OPEN, position);
    if (start === -1) break;
    const end = text.indexOf(RESOLVE_CLOSE, start + RESOLVE_OPEN.length);
    if (end === -1) throw malformed('a dynamic reference has no closing "}}"');
    if (start > position) parts.push(text.slice(position, start));
    parts.push(parseDynamicReference(text.slice(start + RESOLVE_OPEN.length, end)));
    position = end + RESOLVE_CLOSE.length;
  }
  if (position < text.length) parts.push(text.slice(position));
  return parts;
}
