/**
 * Finds which of a validator's texts (issue messages, path segments) quote the validated value.
 *
 * The probes (the validator's texts, a few short strings) are indexed once, then the value is walked
 * once, iteratively, and each of its strings, numbers and object keys is looked up in the index: the
 * cost is linear in the size of the value and does not depend on how many issues there are. The walk
 * has bounds (nodes and characters of the value, characters of the probes); past them the answer is
 * "overflow" and the caller must withhold every message: there is no size past which the validator
 * is trusted.
 *
 * What counts as quoting, for each text of the value (a string, a number or bigint as `String()`
 * prints it, or an object key), and for its JSON-escaped form (arktype prints `"a\"b"`):
 * - 8 characters or more: any 8-character piece of it anywhere in the probe, so a truncated quote
 *   counts too;
 * - 4 to 7 characters: the text in quotes (`"..."`, `'...'`, `` `...` ``), or, for a value, as a
 *   whole word (valibot and arktype print numbers bare: `received 482913`);
 * - shorter texts are too common to recognize and are not looked for (booleans neither).
 * A key the schema declares is schema text and is not looked for. A path segment probe is also
 * tainted when it occurs anywhere inside a text of the value.
 */

/** Texts at least this long are recognized by their pieces of this length. */
export const WINDOW = 8;
/** Texts shorter than this are too common to be recognized as a quoted value. */
export const MIN_QUOTED_LENGTH = 4;
/** Bounds on the walk of the value; past them, every message is withheld. */
export const MAX_SCAN_NODES = 1_000_000;
export const MAX_SCAN_CHARS = 8_000_000;
/** Total length of the probes that are indexed, at most (many long, distinct messages). */
const MAX_PROBE_CHARS = 1_000_000;
/** Path segment probes checked by substring, at most (their count times the value's size is the cost). */
const MAX_SEGMENT_PROBES = 256;

const QUOTES = "\"'`";

function isWordCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Probe ids by text: one id, or several (most texts are in one probe only). */
type Index = Map<string, number | number[]>;

function add(index: Index, key: string, id: number): void {
  const ids = index.get(key);
  if (ids === undefined) index.set(key, id);
  else if (typeof ids === "number") {
    if (ids !== id) index.set(key, [ids, id]);
  } else if (ids[ids.length - 1] !== id) ids.push(id);
}

/** Which probes quote the value, or `undefined` (overflow) when the value is too big or cannot be walked. */
export function scanValue(
  value: unknown,
  probes: readonly string[],
  segments: readonly number[],
  declared: ReadonlySet<string>,
): Uint8Array | undefined {
  if (segments.length > MAX_SEGMENT_PROBES) return undefined;
  let probeChars = 0;
  for (const probe of probes) probeChars += probe.length;
  if (probeChars > MAX_PROBE_CHARS) return undefined;
  const windows: Index = new Map();
  const quoted: Index = new Map();
  const words: Index = new Map();
  probes.forEach((probe, id) => {
    for (let start = 0; start + WINDOW <= probe.length; start++) add(windows, probe.slice(start, start + WINDOW), id);
    for (let start = 0; start < probe.length; start++) {
      const quote = probe[start] as string;
      if (QUOTES.includes(quote)) {
        for (let length = MIN_QUOTED_LENGTH; length < WINDOW; length++) {
          if (probe[start + 1 + length] === quote) add(quoted, probe.slice(start + 1, start + 1 + length), id);
        }
      }
      if (start > 0 && isWordCharacter(probe.charCodeAt(start - 1))) continue;
      for (let length = MIN_QUOTED_LENGTH; length < WINDOW && start + length <= probe.length; length++) {
        const end = start + length;
        if (end === probe.length || !isWordCharacter(probe.charCodeAt(end))) add(words, probe.slice(start, end), id);
      }
    }
  });
  const segmentTexts = segments.map((id) => ({ id, text: probes[id] as string }));
  const tainted = new Uint8Array(probes.length);
  const mark = (ids: number | readonly number[] | undefined): void => {
    if (typeof ids === "number") tainted[ids] = 1;
    else if (ids !== undefined) for (const id of ids) tainted[id] = 1;
  };

  const look = (text: string, isValue: boolean): void => {
    const escaped = JSON.stringify(text).slice(1, -1);
    for (const variant of escaped === text ? [text] : [text, escaped]) {
      if (variant.length >= WINDOW) {
        for (let start = 0; start + WINDOW <= variant.length; start++) {
          mark(windows.get(variant.slice(start, start + WINDOW)));
        }
      } else if (variant.length >= MIN_QUOTED_LENGTH) {
        mark(quoted.get(variant));
        if (isValue) mark(words.get(variant));
      }
      for (const segment of segmentTexts) if (variant.includes(segment.text)) tainted[segment.id] = 1;
    }
  };

  try {
    const pending: unknown[] = [value];
    const seen = new Set<object>();
    let nodes = 0;
    let chars = 0;
    while (pending.length > 0) {
      const node = pending.pop();
      if (++nodes > MAX_SCAN_NODES) return undefined;
      if (typeof node === "string") {
        chars += node.length;
        if (chars > MAX_SCAN_CHARS) return undefined;
        look(node, true);
      } else if (typeof node === "number" || typeof node === "bigint") {
        look(String(node), true);
      } else if (typeof node === "object" && node !== null && !seen.has(node)) {
        seen.add(node);
        if (ArrayBuffer.isView(node)) continue; // bytes print as their type, not their content
        if (node instanceof Map || node instanceof Set) {
          if (nodes + pending.length + node.size * 2 > MAX_SCAN_NODES) return undefined;
          if (node instanceof Map) for (const [key, entry] of node) pending.push(key, entry);
          else for (const entry of node) pending.push(entry);
          continue;
        }
        if (Array.isArray(node)) {
          if (nodes + pending.length + node.length > MAX_SCAN_NODES) return undefined;
          for (let index = 0; index < node.length; index++) pending.push(node[index]);
          continue;
        }
        const keys = Object.keys(node);
        if (nodes + pending.length + keys.length > MAX_SCAN_NODES) return undefined;
        for (const key of keys) {
          chars += key.length;
          if (chars > MAX_SCAN_CHARS) return undefined;
          if (!declared.has(key)) look(key, false);
          pending.push((node as Record<string, unknown>)[key]);
        }
      }
    }
  } catch {
    // A getter or a proxy that throws: the value cannot be checked, so nothing is trusted.
    return undefined;
  }
  return tainted;
}
