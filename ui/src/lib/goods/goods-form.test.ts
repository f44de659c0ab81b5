// Goods: deliveries and exit permits as the core gets them.
import { describe, expect, it } from 'vitest';
import type { AppError } from '../bindings';
import {
  cleanDate,
  cleanQuantity,
  emptyLine,
  emptyPermit,
  errorLine,
  localDate,
  permitVerdict,
  toNewDelivery,
  toNewExitPermit,
  type PermitForm,
} from './goods-form';

const err = (code: string, field: string | null, params: Record<string, string> = {}): AppError =>
  ({ kind: 'invalid', code, field, params, message: '' }) as AppError;

function permit(over: Partial<PermitForm> = {}): PermitForm {
  return {
    ...emptyPermit('2026-11-28'),
    permitNumber: ' CM-0012 ',
    department: '总务处',
    issuedBy: '赵主任',
    lines: [
      { description: '投影仪', quantity: '2', unit: '台', matched: true, note: '' },
      { description: '电缆', quantity: '2.5', unit: '米', matched: false, note: ' 少 1 米 ' },
    ],
    ...over,
  };
}

describe('quantities and dates', () => {
  it('keeps the quantity as typed, so the core can say what is wrong', () => {
    expect(cleanQuantity(' 2.5 ')).toBe('2.5');
    expect(cleanQuantity('lots')).toBe('lots');
    expect(cleanQuantity('-3')).toBe('-3');
    expect(cleanQuantity('３')).toBe('3');
  });

  it('reads common date spellings as YYYY-MM-DD and leaves nonsense for the core', () => {
    expect(cleanDate('2026/11/30')).toBe('2026-11-30');
    expect(cleanDate('２０２６．１１．３０')).toBe('2026-11-30');
    expect(cleanDate('next week')).toBe('next week');
    expect(localDate(new Date(2026, 0, 5, 12).getTime())).toBe('2026-01-05');
  });
});

describe('toNewDelivery', () => {
  it('sends the quantity text and trims the rest', () => {
    expect(toNewDelivery({ description: ' 办公用纸 ', quantity: ' 20 ', unit: '箱', recipient: ' 总务处 ', vehicleVisitId: 4 })).toEqual({
      vehicleVisitId: 4,
      description: '办公用纸',
      quantity: '20',
      unit: '箱',
      recipient: '总务处',
    });
  });
});

describe('exit permit', () => {
  it('maps ticked and unticked lines with their notes', () => {
    const { permit: p, lineIndex } = toNewExitPermit(permit());
    expect(p).toMatchObject({
      permitNumber: 'CM-0012',
      issuedOn: '2026-11-28',
      returnable: false,
      dueOn: '',
      vehicleVisitId: null,
      items: [
        { description: '投影仪', quantity: '2', unit: '台', matched: true, note: null },
        { description: '电缆', quantity: '2.5', unit: '米', matched: false, note: '少 1 米' },
      ],
      discrepancyNote: null,
      release: null,
    });
    expect(lineIndex).toEqual([0, 1]);
  });

  it('decides 放行 only when every line matches', () => {
    expect(permitVerdict(permit().lines)).toBe('hold');
    const all = permit().lines.map((l) => ({ ...l, matched: true }));
    expect(permitVerdict(all)).toBe('release');
    expect(permitVerdict([emptyLine()])).toBe('empty');
    expect(permitVerdict([...all, emptyLine()])).toBe('release');
  });

  it('sends a supervisor release and the discrepancy note only with a discrepancy', () => {
    const release = { supervisorId: 1, pin: '246810', reason: '已电话核实' };
    const held = toNewExitPermit(permit({ discrepancyNote: ' 电缆少 1 米 ' }), release).permit;
    expect(held.release).toEqual(release);
    expect(held.discrepancyNote).toBe('电缆少 1 米');
    const lines = permit().lines.map((l) => ({ ...l, matched: true }));
    const ok = toNewExitPermit(permit({ lines, discrepancyNote: 'x' }), release).permit;
    expect(ok.release).toBeNull();
    expect(ok.discrepancyNote).toBeNull();
  });

  it('sends the due date only for returnable goods', () => {
    expect(toNewExitPermit(permit({ dueOn: '2026-12-01' })).permit.dueOn).toBe('');
    expect(toNewExitPermit(permit({ returnable: true, dueOn: '2026/12/01' })).permit.dueOn).toBe('2026-12-01');
  });

  it('drops blank lines and maps the core line numbers back to the form', () => {
    const lines = [emptyLine(), ...permit().lines, emptyLine()];
    const { permit: p, lineIndex } = toNewExitPermit(permit({ lines }));
    expect(p.items).toHaveLength(2);
    expect(lineIndex).toEqual([1, 2]);
    expect(errorLine(err('quantity_format', 'item_quantity', { line: '2' }), lineIndex)).toBe(2);
    expect(errorLine(err('quantity_format', 'item_quantity', { line: '9' }), lineIndex)).toBeNull();
    expect(errorLine(err('required', 'permit_number'), lineIndex)).toBeNull();
  });
});
