// Input clean-up for scanner / IME input.
import { describe, expect, it } from 'vitest';
import { normaliseIdNumber, normalisePin, toAsciiDigits } from './input';

describe('input clean-up', () => {
  it('maps full-width digits to ASCII', () => {
    expect(toAsciiDigits('１２３０')).toBe('1230');
  });
  it('normalises ID numbers', () => {
    expect(normaliseIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(normaliseIdNumber('110105 1949 1231 002ｘ')).toBe('11010519491231002X');
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２Ｘ')).toBe('11010519491231002X');
  });
  it('normalises PINs', () => {
    expect(normalisePin(' １２３４５６ ')).toBe('123456');
  });
});
