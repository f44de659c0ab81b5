// Staff-directory CSV on the client: reading the chosen file (UTF-8, or GB18030 as Excel
// saves it on a Chinese Windows PC) and the template the supervisor can download.

/** Header of the template: 姓名,部门,分机 (the core also skips a header row it recognises). */
export const STAFF_CSV_HEADER = '姓名,部门,分机';

/** The template file's text: BOM (so Excel opens it as UTF-8), header, CRLF. */
export function staffCsvTemplate(): string {
  return `\uFEFF${STAFF_CSV_HEADER}\r\n`;
}

/** UTF-8 when the bytes are valid UTF-8 (BOM dropped), else GB18030 (a superset of GBK). */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
