/**
 * The thresholds of issue 7 and the printed table. Scores are judged on the median of the runs (simulated
 * throttling still varies a point or two run to run on a busy machine); every run is printed.
 */
import { CATEGORIES } from './audit.mjs';

/** 180 KiB: the first-load JavaScript budget of the chat page, gzipped, in bytes. */
export const JS_BUDGET_BYTES = 180 * 1024;
export const THRESHOLDS = { performance: 90, accessibility: 100, 'best-practices': 95 };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const pad = (cells, widths) => cells.map((cell, i) => String(cell).padStart(widths[i])).join(' ');
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const sumOf = (run, key) => run.scripts.reduce((sum, script) => sum + script[key], 0);

/** Per page: the median of each category and metric, and the worst first-load JS over the runs (bytes). */
export function summarize(page, runs) {
  const scores = Object.fromEntries(CATEGORIES.map((id) => [id, median(runs.map((run) => run.scores[id]))]));
  const metrics = Object.fromEntries(Object.keys(runs[0].metrics).map((id) => [id, median(runs.map((run) => run.metrics[id]))]));
  const misses = CATEGORIES.filter((id) => scores[id] < THRESHOLDS[id]).map((id) => `${page.name} ${id} ${scores[id]} < ${THRESHOLDS[id]}`);
  const jsBytes = Math.max(...runs.map((run) => sumOf(run, 'body')));
  const jsWireBytes = Math.max(...runs.map((run) => sumOf(run, 'wire')));
  if (page.jsBudget && jsBytes > JS_BUDGET_BYTES) misses.push(`${page.name} first-load JS ${jsBytes} B > ${JS_BUDGET_BYTES} B`);
  return { page: page.name, path: page.path, scores, metrics, jsBytes, jsWireBytes, misses };
}

/** The table printed at the end, every run then the medians, and what missed. */
export function formatReport(pages) {
  const widths = [8, 4, 5, 5, 4, 7, 7, 7, 6, 6, 6, 8, 10, 11];
  const header = pad(['page', 'run', 'perf', 'a11y', 'bp', 'FCP ms', 'LCP ms', 'TBT ms', 'CLS', 'SI ms', 'CPU', 'scripts', 'JS gzip', 'JS on wire'], widths);
  const lines = [header, '-'.repeat(header.length)];
  const row = (name, label, scores, metrics, cpu, scriptCount, body, wire) =>
    pad(
      [
        name,
        label,
        ...CATEGORIES.map((id) => scores[id]),
        Math.round(metrics['first-contentful-paint']),
        Math.round(metrics['largest-contentful-paint']),
        Math.round(metrics['total-blocking-time']),
        metrics['cumulative-layout-shift'].toFixed(3),
        Math.round(metrics['speed-index']),
        cpu,
        scriptCount,
        kib(body),
        kib(wire),
      ],
      widths,
    );
  for (const { page, runs, summary } of pages) {
    runs.forEach((run, i) => lines.push(row(page.name, i + 1, run.scores, run.metrics, run.benchmarkIndex, run.scripts.length, sumOf(run, 'body'), sumOf(run, 'wire'))));
    lines.push(row(page.name, 'med', summary.scores, summary.metrics, '', '', summary.jsBytes, summary.jsWireBytes));
  }
  lines.push('', `thresholds (median of runs): performance ≥ ${THRESHOLDS.performance}, accessibility ${THRESHOLDS.accessibility}, best practices ≥ ${THRESHOLDS['best-practices']};`);
  lines.push(`first-load JS of the chat page ≤ ${kib(JS_BUDGET_BYTES)} (${JS_BUDGET_BYTES} B), worst run: every script the load fetched, its body as`);
  lines.push('sent (gzip; chunks under 1 KB are sent uncompressed and count as is); "on wire" adds the HTTP response headers;');
  lines.push('CPU: Lighthouse\'s benchmark index of the run (higher is faster; it drops when other work shares the machine)');
  for (const { page, runs } of pages) {
    const run = runs[0];
    const encodings = [...new Set(run.scripts.map((script) => script.encoding))].join(', ');
    lines.push(`${page.name}: LCP element ${run.lcpElement ?? '?'}; script encodings: ${encodings || 'none'}`);
    for (const id of CATEGORIES) {
      const failing = [...new Set(runs.flatMap((r) => r.failing[id]))];
      if (failing.length) lines.push(`  ${id} below 1: ${failing.join(', ')}`);
    }
    const errors = [...new Set(runs.flatMap((r) => r.consoleErrors))];
    if (errors.length) lines.push(`  console errors: ${errors.join(' | ')}`);
  }
  return lines.join('\n');
}
