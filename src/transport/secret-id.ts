/** What a secret id (a name, a full ARN or a partial ARN) can name, for backends that key by name. */

const ARN_MARKER = ":secret:";
/** The six random characters Secrets Manager appends to a secret's ARN: `...:secret:prod/db-AbCdEf`. */
const ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * The secret names an id may stand for, most likely first: a name stands for itself; an ARN for the
 * name after `:secret:`, with the 6-character suffix removed (a full ARN) and as written (a partial
 * ARN, or a name that happens to end like a suffix).
 */
export function secretNameCandidates(id: string): string[] {
  const at = id.startsWith("arn:") ? id.indexOf(ARN_MARKER) : -1;
  if (at === -1) return [id];
  const name = id.slice(at + ARN_MARKER.length);
  return ARN_SUFFIX.test(name) ? [name.replace(ARN_SUFFIX, ""), name, id] : [name, id];
}
