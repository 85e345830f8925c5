/**
 * The chaos suite's figures: one JSON file per run (bench/chaos-figures.json), one section per scenario, each figure
 * with its unit and — where the issue sets one — its bar and whether it was met. A bar is reported, never enforced:
 * the suite fails on correctness only.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIGURES_FILE = fileURLToPath(new URL('../../bench/chaos-figures.json', import.meta.url));

/** One measured figure. `value` null: not measured in this run (the scenario failed before it). */
export interface Figure {
  readonly value: number | null;
  readonly unit: string;
  /** The bar as people read it (`≤ 10 %`), when the issue sets one. */
  readonly bar?: string;
  readonly met?: boolean;
  readonly note?: string;
}

export interface FiguresFile {
  run: { seed: number; startedAt: string; finishedAt?: string; durationSeconds?: number; node: string; cpus: number };
  sections: Record<string, Record<string, Figure>>;
}

/** A figure with an upper bar. */
export function atMost(value: number | null, bar: number, unit: string, note?: string): Figure {
  return { value, unit, bar: `≤ ${bar} ${unit}`, met: value !== null && value <= bar, ...(note ? { note } : {}) };
}

/** A figure with no bar. */
export function measured(value: number | null, unit: string, note?: string): Figure {
  return { value, unit, ...(note ? { note } : {}) };
}

export function readFigures(): FiguresFile | undefined {
  if (!existsSync(FIGURES_FILE)) return undefined;
  return JSON.parse(readFileSync(FIGURES_FILE, 'utf8')) as FiguresFile;
}

export function writeFigures(file: FiguresFile): void {
  writeFileSync(FIGURES_FILE, `${JSON.stringify(file, null, 2)}\n`);
}

/** Adds (or replaces) one section of this run's file; the test files run one after the other. */
export function recordSection(name: string, figures: Record<string, Figure>): void {
  const file = readFigures();
  if (!file) throw new Error(`${FIGURES_FILE} was not started by the chaos suite's global setup`);
  file.sections[name] = figures;
  writeFigures(file);
}

/** The figures as a text table: what the suite prints at its end and BENCHMARKS.md summarises. */
export function renderFigures(file: FiguresFile): string {
  const lines = [`chaos figures — seed ${file.run.seed}, ${file.run.startedAt}, ${file.run.durationSeconds ?? '?'} s, ${file.run.node}, ${file.run.cpus} cores`];
  for (const [section, figures] of Object.entries(file.sections)) {
    lines.push(`  ${section}`);
    for (const [name, figure] of Object.entries(figures)) {
      const value = figure.value === null ? 'not measured' : `${round(figure.value)} ${figure.unit}`;
      const bar = figure.bar ? `  (bar ${figure.bar}: ${figure.met ? 'met' : 'NOT met'})` : '';
      lines.push(`    ${name.padEnd(44)} ${value}${bar}${figure.note ? `  — ${figure.note}` : ''}`);
    }
  }
  return lines.join('\n');
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) >= 100 ? 0 : 2);
}
