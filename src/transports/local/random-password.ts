/**
 * GetRandomPassword for the local transports, with node:crypto: Secrets Manager's character sets,
 * defaults (32 characters of every type, each type at least once) and refusals.
 */
import { randomInt } from "node:crypto";
import { ArgumentError } from "../../core/errors.js";
import type { GetRandomPasswordRequest } from "../../transport/writes.js";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/**
 * A random password as Secrets Manager makes one. A request that leaves no character, or asks each
 * of more types than `passwordLength` holds, is an `ArgumentError` (the service's
 * InvalidParameterException).
 */
export function randomPassword(request: GetRandomPasswordRequest): string {
  const length = request.passwordLength ?? 32;
  const exclude = request.excludeCharacters ?? "";
  const classes = [
    request.excludeLowercase ? "" : LOWER,
    request.excludeUppercase ? "" : UPPER,
    request.excludeNumbers ? "" : DIGITS,
    request.excludePunctuation ? "" : PUNCTUATION,
    request.includeSpace ? " " : "",
  ]
    .map((chars) => [...chars].filter((char) => !exclude.includes(char)).join(""))
    .filter((chars) => chars.length > 0);
  const all = classes.join("");
  if (all.length === 0)
    throw new ArgumentError("[secretwrangler] getRandomPassword: the options exclude every character");
  const requireEach = request.requireEachIncludedType !== false;
  if (requireEach && classes.length > length) {
    throw new ArgumentError(
      `[secretwrangler] getRandomPassword: "passwordLength" ${length} is too short for one character of each of the ${classes.length} included types`,
    );
  }
  const chars = requireEach ? classes.map((set) => set[randomInt(set.length)] as string) : [];
  while (chars.length < length) chars.push(all[randomInt(all.length)] as string);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join("");
}
