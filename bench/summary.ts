// Shared by the benchmarks: each prints its own report and, when `npm run bench` runs it
// (BENCH_SUMMARY_FILE set), appends its headline figures there as JSON lines for the summary table.
import fs from 'node:fs';
import os from 'node:os';

export interface SummaryRow {
  bench: string;
  figure: string;
  /** Our figure, in `unit`. */
  value: number;
  unit: string;
  /** The baseline measured in the same run, in the same unit (undefined when the figure is a ratio). */
  baseline?: number;
  /** value / baseline, or the figure's own ratio. */
  ratio?: number;
  goal?: string;
}

export function recordSummary(rows: SummaryRow[]): void {
  const file = process.env.BENCH_SUMMARY_FILE;
  if (!file) return;
  fs.appendFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** One line describing the machine a figure was measured on: CPUs, Node, load average. */
export function machineLine(database: string): string {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `Node ${process.version}, ${os.cpus().length} CPUs, load average ${load}, database ${database}`;
}
