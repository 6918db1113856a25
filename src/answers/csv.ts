// CSV as spreadsheets read it: RFC 4180 (CRLF between records, a field quoted when it holds a comma,
// a quote or a line break), UTF-8 with a byte-order mark (without one Excel reads UTF-8 as the
// local code page and mangles every name not in Latin script), written as rows arrive.
import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Row } from './exports.ts';

/**
 * A cell a spreadsheet would run as a formula (names come from the conference: anyone can call
 * themselves `=HYPERLINK(…)`) gets a leading apostrophe, which spreadsheets show as text.
 */
export function neutralize(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** The rows as CSV bytes, header first; `onError` hears of a failure after the first bytes went out. */
export function csvStream<C extends readonly string[]>(
  columns: C,
  rows: AsyncIterable<Row<C>>,
  onError: (error: Error) => void,
): ReadableStream<Uint8Array> {
  const csv = stringify({
    bom: true,
    header: true,
    columns: [...columns],
    record_delimiter: 'windows',
    // csv-stringify quotes a lone CR or LF only when asked; RFC 4180 readers split records on them
    quoted_match: /[\r\n]/,
    cast: { string: neutralize },
  });
  // The database is read one batch ahead of the socket at most: the stream pulls as it drains.
  pipeline(Readable.from(rows, { objectMode: true, highWaterMark: 1 }), csv, (error) => {
    if (error) onError(error);
  });
  return Readable.toWeb(csv) as ReadableStream<Uint8Array>;
}
