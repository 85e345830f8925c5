import { quote } from '../domain/quote.ts';
import type { StoredPickupRecord } from '../store/pickup-records.ts';
import type { CliIo } from './cli.ts';

// Caller ids, names and dialled strings come from phones and trunks. Control and invisible characters (the same
// ones quote() escapes) are shown escaped, so that none can move the cursor, recolour or hide text in a terminal,
// nor split a tab-separated line.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Prints pickup records in the order given: one line each, tab-separated (`name=value` but for the time and the
 * result), or with `json` one JSON object per line (for `--follow`, a stream of them).
 */
export function printRecords(io: CliIo, records: readonly StoredPickupRecord[], json: boolean): void {
  for (const stored of records) io.out(json ? recordJson(stored) : recordLine(stored));
}

function recordLine({ record: r }: StoredPickupRecord): string {
  const failure = r.failure === '' ? '' : ` ${printable(r.failure)} (${shown(r.cause)})`;
  return [
    // A stream edited by hand may hold anything: a bad time must not end the listing.
    Number.isFinite(r.at) ? new Date(r.at).toISOString() : '-',
    `picker=${shown(r.picker)}`,
    `target=${shown(r.form)}${r.target === '' ? '' : ` ${printable(r.target)}`}`,
    `${shown(r.result)}${failure}`,
    `call=${shown(r.callUuid)}`,
    `caller=${shown(r.callerNumber)}${r.callerName === '' ? '' : ` ${quote(r.callerName)}`}`,
    `nodes=${shown(r.pickerNode)} → ${shown(r.callNode)}`,
    `attempts=${r.attempts}`,
    `decision=${milliseconds(r.decisionMs)}`,
    `pickup=${milliseconds(r.pickupMs)}`,
    `dialled=${quote(r.dialled)}`,
    `picker leg=${shown(r.pickerUuid)}`,
  ].join('\t');
}

function recordJson({ id, record }: StoredPickupRecord): string {
  // Unmeasured durations are null rather than left out: every line has every field.
  const line = JSON.stringify({ id, ...record, decisionMs: record.decisionMs ?? null, pickupMs: record.pickupMs ?? null });
  // JSON.stringify escapes C0 controls itself; the rest become \uXXXX, which is still the same JSON string.
  return printable(line);
}

function shown(text: string): string {
  return printable(text) || '-';
}

function milliseconds(value: number | undefined): string {
  return value === undefined ? '-' : `${value} ms`;
}

function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
