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

/**
 * Splits `name:selector` into its parts. A colon only starts a selector after the last `/`, so ARNs
 * (`arn:aws:ssm:...:parameter/app/flag`) keep their colons.
 */
export function splitSelector(requested: string): { readonly name: string } & ParameterSelection {
  const colon = requested.lastIndexOf(":");
  if (colon === -1 || colon < requested.lastIndexOf("/")) return { name: requested };
  const name = requested.slice(0, colon);
  const selector = requested.slice(colon + 1);
  return /^\d+$/.test(selector) ? { name, version: Number(selector) } : { name, label: selector };
}

/** Whether a name reads a Secrets Manager secret (`/aws/reference/secretsmanager/<id>`). */
export function isSecretReference(name: string): boolean {
  return name.startsWith(SECRET_REFERENCE_PREFIX);
}
