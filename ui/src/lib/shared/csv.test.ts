// Staff CSV: the template and decoding files saved as UTF-8 or by Excel as GB18030.
import { describe, expect, it } from 'vitest';
import { decodeCsv, STAFF_CSV_HEADER, staffCsvTemplate } from './csv';

describe('staff CSV', () => {
  it('template has a BOM and the 姓名,部门,分机 header', () => {
    const text = staffCsvTemplate();
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1).split('\r\n')[0]).toBe('姓名,部门,分机');
    expect(STAFF_CSV_HEADER.split(',')).toEqual(['姓名', '部门', '分机']);
  });

  it('decodes UTF-8, dropping the BOM', () => {
    const bytes = new TextEncoder().encode('\uFEFF姓名,部门,分机\n李老师,教务处,8021\n');
    expect(decodeCsv(bytes)).toBe('姓名,部门,分机\n李老师,教务处,8021\n');
  });

  it('decodes GB18030 (Excel on Chinese Windows) when the bytes are not UTF-8', () => {
    // "李老师,教务处,8021" in GBK.
    const gbk = new Uint8Array([
      0xc0, 0xee, 0xc0, 0xcf, 0xca, 0xa6, 0x2c, 0xbd, 0xcc, 0xce, 0xf1, 0xb4, 0xa6, 0x2c, 0x38, 0x30, 0x32, 0x31,
    ]);
    expect(decodeCsv(gbk)).toBe('李老师,教务处,8021');
  });
});
