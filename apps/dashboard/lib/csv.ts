// CSV as spreadsheets read it (RFC 4180): the one writer of every table the dashboard exports.

export type CsvValue = string | number | null;

/** A field, quoted when it holds a quote, comma or line break; empty for a missing value. */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows (the header first) as CSV with CRLF line ends, the last line ended too. */
export function csvText(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
