/**
 * Text helpers for messages: whatever a message quotes (an id, a transport spec, a file path) is
 * escaped so that it cannot inject lines, terminal escapes or reordered text into a log or a terminal.
 */

/**
 * What {@link escapeControl} escapes: C0 controls, DEL, C1 controls, the Arabic letter mark, the
 * left-to-right and right-to-left marks, the line and paragraph separators (U+2028, U+2029), the
 * bidi embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069), and lone surrogates.
 */
const CONTROL = new RegExp(
  "[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069]" +
    "|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]",
  "g",
);

function escapeOne(character: string): string {
  const code = character.charCodeAt(0);
  const hex = code.toString(16).toUpperCase();
  return code <= 0xff ? `\\x${hex.padStart(2, "0")}` : `\\u${hex.padStart(4, "0")}`;
}

/**
 * Escapes the characters that can inject into a log line or a terminal (controls such as `\r`, `\n`,
 * ESC and NUL, Unicode line separators, bidi overrides and lone surrogates) as `\xNN` or `\uNNNN`.
 * Everything else, backslashes included, is left as it is, so escaping twice changes nothing.
 *
 * @example
 * ```ts
 * escapeControl("prod/db\r\n\u001b[31m"); // 'prod/db\\x0D\\x0A\\x1B[31m'
 * ```
 */
export function escapeControl(text: string): string {
  const value = String(text);
  CONTROL.lastIndex = 0;
  return CONTROL.test(value) ? value.replace(CONTROL, escapeOne) : value;
}
