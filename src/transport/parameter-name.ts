/**
 * Parameter names and selectors. SSM selects a version or a label inside the name itself
 * (`/app/flag:3`, `/app/flag:live`); the response then reports the bare name plus `Selector: ":3"`.
 */

/** The prefix of names that read a Secrets Manager secret through Parameter Store. */
export const SECRET_REFERENCE_PREFIX = "/aws/reference/secretsmanager/";

/** Which version of a parameter to read: a number or a label, never both. */
export interface ParameterSelection {
  readonly version?: number | undefined;
  readonly label?: string | undefined;
}

/** The selector suffix for a request: `:3`, `:live` or an empty string. */
export function selectorSuffix(selection: ParameterSelection): string {
  if (selection.version !== undefined) return `:${selection.version}`;
  if (selection.label !== undefined) return `:${selection.label}`;
  return "";
}

/** In a secret's ARN, the marker before its name; a name has no colons. */
const SECRET_ARN_MARKER = ":secret:";

/**
 * Where a selector may begin: after the last `/`, so parameter ARNs (`arn:aws:ssm:...:parameter/app/flag`)
 * keep their colons, and for a secret reference by ARN
 * (`/aws/reference/secretsmanager/arn:aws:secretsmanager:...:secret:prod/db-AbCdEf`) after the ARN's
 * `:secret:` too; a reference by an ARN without `:secret:` carries no selector.
 */
function selectorSearchStart(requested: string): number {
  const slash = requested.lastIndexOf("/");
  if (!isSecretReference(requested) || !requested.startsWith("arn:", SECRET_REFERENCE_PREFIX.length)) return slash;
  const marker = requested.indexOf(SECRET_ARN_MARKER, SECRET_REFERENCE_PREFIX.length);
  return marker === -1 ? requested.length : Math.max(slash, marker + SECRET_ARN_MARKER.length);
}

/**
 * Splits `name:selector` into its parts. A colon only starts a selector after the last `/`, and after
 * the ARN of a secret referenced by ARN (ARNs contain colons): see {@link selectorSearchStart}.
 */
export function splitSelector(requested: string): { readonly name: string } & ParameterSelection {
  const colon = requested.lastIndexOf(":");
  if (colon === -1 || colon < selectorSearchStart(requested)) return { name: requested };
  const name = requested.slice(0, colon);
  const selector = requested.slice(colon + 1);
  return /^\d+$/.test(selector) ? { name, version: Number(selector) } : { name, label: selector };
}

/** Whether a name reads a Secrets Manager secret (`/aws/reference/secretsmanager/<id>`). */
export function isSecretReference(name: string): boolean {
  return name.startsWith(SECRET_REFERENCE_PREFIX);
}
