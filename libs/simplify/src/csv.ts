/**
 * A small RFC 4180 CSV reader: comma-separated fields, rows ending in LF or CRLF, fields in
 * double quotes may hold commas, newlines and doubled quotes (`""`). Every field stays a
 * string: nothing is coerced, so a word such as `nan` or `TRUE` survives as written (the
 * authors' pandas reader turned `nan` into a missing value).
 */

export interface CsvRow {
  /** 1-based line on which the row starts. */
  readonly line: number;
  readonly fields: string[];
}

/** Thrown for input that is not valid CSV; names the source and line. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${source}:${line}: ${detail}`);
    this.name = 'CsvSyntaxError';
  }
}

/** Parses `content` into rows; fully empty lines are skipped. `source` names it in errors. */
export function parseCsv(content: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;

  const endRow = (): void => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };

  while (i < content.length) {
    const char = content[i];
    if (char === '"' && field === '') {
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= content.length) {
          throw new CsvSyntaxError(source, quoteLine, 'quoted field is never closed; add the closing double quote');
        }
        const quoted = content[i];
        if (quoted === '"') {
          if (content[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (quoted === '\n') line++;
        field += quoted;
        i++;
      }
      const after = content[i];
      if (after !== undefined && after !== ',' && after !== '\n' && !(after === '\r' && content[i + 1] === '\n')) {
        throw new CsvSyntaxError(
          source,
          line,
          `unexpected ${JSON.stringify(after)} after a closing double quote; double the quote ("") to write one inside a quoted field`,
        );
      }
      continue;
    }
    if (char === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (char === '\n' || (char === '\r' && content[i + 1] === '\n')) {
      endRow();
      i += char === '\n' ? 1 : 2;
      line++;
      rowLine = line;
    } else {
      field += char;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}
