/** Number formatting, statistics and Markdown tables shared by the bench suites. */

/** A number with thousands separators and a fixed number of decimals. */
export const fmt = (value: number, digits = 0): string =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A Markdown table. */
export const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");

/** How a target line reads in the results. */
export const verdict = (met: boolean): string => (met ? "**met**" : "**NOT met**");

/** The value below which `share` of the values fall (nearest rank); NaN for none. */
export const percentile = (values: readonly number[], share: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
};

/** The median (nearest rank). */
export const median = (values: readonly number[]): number => percentile(values, 0.5);
