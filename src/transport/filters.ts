/**
 * Secrets chosen by filter: the shape of the `Filters` of ListSecrets and BatchGetSecretValue, and
 * the check of a filter list. Here, below the transports, because both the sdk transport (ListSecrets,
 * BatchGetSecretValue) and the local stores (their listSecrets) take them.
 */
import { ArgumentError } from "../core/errors.js";

/**
 * The keys of a Secrets Manager filter. Every key is a prefix match (`description` is not
 * case-sensitive, the others are); `all` splits its value into words and matches every attribute.
 *
 * @example
 * ```ts
 * const key: SecretFilterKey = 'tag-key';
 * ```
 */
export type SecretFilterKey =
  | "description"
  | "name"
  | "tag-key"
  | "tag-value"
  | "primary-region"
  | "owning-service"
  | "all";

/**
 * Every {@link SecretFilterKey}, for checks at run time.
 *
 * @example
 * ```ts
 * SECRET_FILTER_KEYS.includes('name'); // true
 * ```
 */
export const SECRET_FILTER_KEYS: readonly SecretFilterKey[] = [
  "description",
  "name",
  "tag-key",
  "tag-value",
  "primary-region",
  "owning-service",
  "all",
];

/**
 * One filter of BatchGetSecretValue (`{ Key, Values }`): 1 to 10 values of at most 512
 * characters; a value starting with `!` negates it. Several filters must all match.
 *
 * @example
 * ```ts
 * const filters: SecretFilter[] = [{ key: 'name', values: ['prod/'] }, { key: 'tag-key', values: ['team'] }];
 * ```
 */
export interface SecretFilter {
  readonly key: SecretFilterKey;
  readonly values: readonly string[];
}

/** At most this many filters per call (as ListSecrets). */
const MAX_FILTERS = 10;
/** At most this many values per filter, each at most {@link MAX_VALUE_LENGTH} characters. */
const MAX_VALUES = 10;
const MAX_VALUE_LENGTH = 512;
/** The characters AWS accepts in a filter value. */
const VALUE_PATTERN = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

/**
 * Checks a filter list as AWS would (keys, 1 to 10 filters of 1 to 10 values, the allowed
 * characters) and throws an `ArgumentError` naming the bad part; `label` names the option.
 *
 * @example
 * ```ts
 * checkFilters([{ key: 'name', values: ['prod/'] }], 'prefetch.filters');
 * ```
 */
export function checkFilters(filters: unknown, label: string): readonly SecretFilter[] {
  if (!Array.isArray(filters) || filters.length === 0 || filters.length > MAX_FILTERS) {
    throw new ArgumentError(`${label} must be an array of 1 to ${MAX_FILTERS} filters`);
  }
  for (const [index, filter] of filters.entries()) {
    const at = `${label}[${index}]`;
    if (typeof filter !== "object" || filter === null) throw new ArgumentError(`${at} must be { key, values }`);
    const { key, values } = filter as { key?: unknown; values?: unknown };
    if (!(SECRET_FILTER_KEYS as readonly unknown[]).includes(key)) {
      throw new ArgumentError(`${at}.key must be one of ${SECRET_FILTER_KEYS.join(", ")}, got ${String(key)}`);
    }
    if (!Array.isArray(values) || values.length === 0 || values.length > MAX_VALUES) {
      throw new ArgumentError(`${at}.values must be an array of 1 to ${MAX_VALUES} strings`);
    }
    for (const value of values) {
      if (typeof value !== "string" || value.length > MAX_VALUE_LENGTH || !VALUE_PATTERN.test(value)) {
        throw new ArgumentError(
          `${at}.values must be strings of at most ${MAX_VALUE_LENGTH} characters from [a-zA-Z0-9 :_@/+=.-!], got ${JSON.stringify(String(value))}`,
        );
      }
    }
  }
  return filters as readonly SecretFilter[];
}
