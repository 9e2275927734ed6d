/** What every scenario gets: the mode, the profile directory and the command line's overrides (bench/run.ts). */
export type BenchOptions = { quick: boolean; cpuProfDir?: string; option: (name: string) => string | undefined };

/** One scenario's share of the printed table and of the JSON file. */
export type Section = {
  /** e.g. "(b) 1:1 chats, 1,000 pairs (2,000 users): latency from scheduled send to recipient, ms" */
  title: string;
  header: string[];
  /** A row with fewer cells than the header (e.g. an INVALID reason) is printed as is after its first cells. */
  rows: string[][];
  /** True if any measurement was invalid: the run exits 2. */
  invalid: boolean;
  /** The figures behind the rows, for --json. */
  figures: unknown;
  /** Lines printed under the table: targets met or missed, notes. */
  notes?: string[];
};

/** Two significant decimals below 100, none above. */
export const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));

/** `value / base` as "1.8×", or '' when there is no valid base. */
export const ratio = (value: number | undefined, base: number | undefined) => (value === undefined || !base ? '' : `${(value / base).toFixed(1)}×`);

export function formatSection(section: Section): string {
  const full = [section.header, ...section.rows.filter((row) => row.length === section.header.length)];
  const widths = section.header.map((_, col) => Math.max(...full.map((row) => (row[col] ?? '').length)));
  const lines = (section.header.length ? [section.header, ...section.rows] : []).map((row) => {
    if (row.length === section.header.length) return row.map((cell, col) => cell.padStart(widths[col]!)).join('  ');
    // A short row: its leading cells aligned, its last cell (the reason) free.
    return row.map((cell, col) => (col < row.length - 1 ? cell.padStart(widths[col]!) : cell)).join('  ');
  });
  return [section.title, ...lines, ...(section.notes ?? [])].join('\n');
}
