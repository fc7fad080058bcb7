/**
 * Delimited tables as cohorts come (pure): BIDS participants.tsv (tab-separated, "n/a" for
 * missing) and CSV manifests (comma-separated, fields may be double-quoted). Header names are
 * matched case-insensitively.
 */
import { InputError } from '../errors';

export interface Table {
  /** Lower-case column names, in file order. */
  columns: string[];
  rows: Record<string, string>[];
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '',
    quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/** Parses a TSV or CSV text; `source` names the file in error messages. */
export function parseTable(text: string, delimiter: '\t' | ',', source: string): Table {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (!lines.length) throw new InputError(`${source} is empty; it needs a header line and one line per subject.`);
  const split = delimiter === ',' ? splitCsvLine : (l: string) => l.split('\t');
  const columns = split(lines[0]!).map((c) => c.trim().toLowerCase());
  const rows = lines.slice(1).map((line, i) => {
    const fields = split(line);
    if (fields.length !== columns.length) {
      throw new InputError(`${source} line ${i + 2} has ${fields.length} fields but the header has ${columns.length}; fix that line.`);
    }
    return Object.fromEntries(columns.map((c, k) => [c, fields[k]!.trim()]));
  });
  return { columns, rows };
}

/** A number from a table cell; empty, "n/a" and "NaN" mean missing. */
export function numberCell(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '' || /^(n\/a|na|nan)$/i.test(v)) return undefined;
  const x = Number(v);
  return Number.isFinite(x) ? x : undefined;
}

/** A text cell; empty and "n/a" mean missing. */
export function textCell(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v && !/^n\/a$/i.test(v) ? v : undefined;
}

function tsvCell(value: string | number | undefined): string {
  if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return 'n/a';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(9).replace(/\.?0+(e|$)/, '$1');
  return value.replace(/[\t\n]/g, ' ');
}

/** A BIDS-style TSV text (tab-separated, "n/a" for missing numbers, 9 significant digits). */
export function toTsv(columns: readonly string[], rows: readonly (string | number | undefined)[][]): string {
  return [columns.join('\t'), ...rows.map((r) => r.map(tsvCell).join('\t'))].join('\n') + '\n';
}
