// The handover wizard: step checks, the error → step mapping, HandoverInput, the reprint
// stamp and the signature pad's blank check.
import { describe, expect, it } from 'vitest';
import type { AppError, ChecklistItem, HandedOver, HandoverInput } from '../bindings';
import { HANDED_OVER_COUNT_MAX } from '../bindings/form-rules';
import {
  checkResults,
  emptyWizard,
  firstBlockedBefore,
  handedOver,
  hasInk,
  isReprint,
  problemsMissing,
  stepError,
  stepForField,
  STEPS,
  toHandoverInput,
  type WizardForm,
} from './handover-wizard';

const local = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
const CTX = { nowMs: local(2026, 5, 3, 14, 5), startHour: 8 };

const CHECKLIST: ChecklistItem[] = [
  { id: 1, label: '钥匙齐全', active: true },
  { id: 2, label: '监控正常', active: true },
  { id: 3, label: '旧对讲机', active: false },
];

function ready(): WizardForm {
  const f = emptyWizard(CHECKLIST, 1);
  f.checks[0].ok = true;
  f.checks[1].ok = false;
  f.checks[1].note = ' 2号摄像头黑屏 ';
  f.checks[1].deadline = '2026/5/5';
  f.checks[1].reportedTo = ' 保卫处值班室 ';
  f.checks[1].reportedAt = '13:50';
  f.items = [
    { item: '钥匙', count: '12' },
    { item: ' 对讲机 ', count: '２' },
    { item: '', count: '1' },
  ];
  f.notes = ' 注意东门施工 ';
  f.outgoingPin = '１２３４５６';
  f.incomingGuardId = 2;
  f.incomingPin = '654321';
  f.outgoingSigned = true;
  f.incomingSigned = true;
  return f;
}

describe('wizard form', () => {
  it('has five steps in order', () => {
    expect(STEPS).toEqual(['summary', 'check', 'items', 'sign', 'seal']);
  });

  it('starts with one unanswered row per active checklist item and the outgoing guard', () => {
    const f = emptyWizard(CHECKLIST, 7);
    const blank = { ok: null, note: '', deadline: '', reportedTo: '', reportedAt: '', owner: '' };
    expect(f.checks).toEqual([
      { item: '钥匙齐全', ...blank },
      { item: '监控正常', ...blank },
    ]);
    expect(f.outgoingGuardId).toBe(7);
    expect(f.incomingGuardId).toBeNull();
  });
});

describe('stepError', () => {
  it('needs every checklist item answered', () => {
    const f = emptyWizard(CHECKLIST, 1);
    const err = stepError('check', f) as AppError;
    expect(err.code).toBe('checklist_incomplete');
    expect(err.field).toBe('checklist');
    expect(err.params.item).toBe('钥匙齐全');
  });

  it('needs a note for a problem', () => {
    const f = emptyWizard(CHECKLIST, 1);
    f.checks[0].ok = true;
    f.checks[1].ok = false;
    f.checks[1].note = '  ';
    const err = stepError('check', f) as AppError;
    expect(err.code).toBe('checklist_note_required');
    expect(err.params.item).toBe('监控正常');
    f.checks[1].note = '黑屏';
    expect((stepError('check', f) as AppError).field).toBe('problem_deadline');
  });

  it("leads the guard through each problem's follow-up: deadline, reported to, time reported", () => {
    const f = ready();
    expect(stepError('check', f)).toBeNull();
    expect(problemsMissing(f.checks)).toBe(0);
    const missing = (patch: Partial<WizardForm['checks'][number]>) => {
      const g = ready();
      Object.assign(g.checks[1], patch);
      const err = stepError('check', g) as AppError;
      expect(problemsMissing(g.checks)).toBe(1);
      expect(err.params.item).toBe('监控正常');
      return [err.field, err.code];
    };
    expect(missing({ deadline: ' ' })).toEqual(['problem_deadline', 'required']);
    expect(missing({ reportedTo: '' })).toEqual(['problem_reported_to', 'required']);
    expect(missing({ reportedAt: '' })).toEqual(['problem_reported_at_ms', 'required']);
    expect(missing({ reportedAt: '25:00' })).toEqual(['problem_reported_at_ms', 'time_format']);
    // An OK item needs none of it.
    const ok = ready();
    ok.checks[1].ok = true;
    ok.checks[1].deadline = '';
    expect(stepError('check', ok)).toBeNull();
  });

  it('lets the summary and the seal step pass', () => {
    const f = emptyWizard(CHECKLIST, 1);
    expect(stepError('summary', f)).toBeNull();
    expect(stepError('seal', f)).toBeNull();
  });

  it('checks the items: a count without an item, a count that is not a number', () => {
    const f = ready();
    f.items = [{ item: '', count: '3' }];
    expect((stepError('items', f) as AppError).field).toBe('handed_over');
    f.items = [{ item: '钥匙', count: 'twelve' }];
    expect((stepError('items', f) as AppError).code).toBe('not_a_number');
    f.items = [{ item: '', count: '1' }];
    expect(stepError('items', f)).toBeNull();
  });

  it('checks the signing step field by field', () => {
    const f = ready();
    expect(stepError('sign', f)).toBeNull();
    expect((stepError('sign', { ...f, outgoingPin: ' ' }) as AppError).field).toBe('outgoing_pin');
    expect((stepError('sign', { ...f, outgoingSigned: false }) as AppError).code).toBe('signature_blank');
    expect((stepError('sign', { ...f, incomingGuardId: null }) as AppError).field).toBe('incoming_guard_id');
    const same = stepError('sign', { ...f, incomingGuardId: 1 }) as AppError;
    expect(same.code).toBe('same_guard');
    expect(same.field).toBe('incoming_guard_id');
    expect((stepError('sign', { ...f, incomingPin: '' }) as AppError).field).toBe('incoming_pin');
    const blank = stepError('sign', { ...f, incomingSigned: false }) as AppError;
    expect(blank.field).toBe('incoming_signature');
  });

  it('stops a jump ahead at the first step that is not ready', () => {
    const f = ready();
    expect(firstBlockedBefore('seal', f)).toBeNull();
    f.checks[0].ok = null;
    const blocked = firstBlockedBefore('seal', f);
    expect(blocked?.step).toBe('check');
    expect(firstBlockedBefore('check', f)).toBeNull();
  });
});

describe('errors from the core', () => {
  it.each([
    ['checklist', 'check'],
    ['problems', 'check'],
    ['problem_deadline', 'check'],
    ['problem_reported_to', 'check'],
    ['problem_reported_at_ms', 'check'],
    ['handed_over', 'items'],
    ['handover_notes', 'items'],
    ['outgoing_pin', 'sign'],
    ['incoming_pin', 'sign'],
    ['outgoing_signature', 'sign'],
    ['incoming_signature', 'sign'],
    ['incoming_guard_id', 'sign'],
    [null, 'seal'],
    ['something_else', 'seal'],
  ])('%s shows on step %s', (field, step) => {
    expect(stepForField(field)).toBe(step);
  });
});

describe('toHandoverInput', () => {
  it('maps everything the wizard collected', () => {
    const input = toHandoverInput(ready(), { outgoing: [1, 2], incoming: [3] }, CTX) as HandoverInput;
    expect(input).toEqual({
      outgoingGuardId: 1,
      outgoingPin: '123456',
      outgoingSignature: [1, 2],
      incomingGuardId: 2,
      incomingPin: '654321',
      incomingSignature: [3],
      checklist: [
        { item: '钥匙齐全', ok: true, note: null },
        { item: '监控正常', ok: false, note: '2号摄像头黑屏' },
      ],
      handedOver: [
        { item: '钥匙', count: 12 },
        { item: '对讲机', count: 2 },
      ],
      notes: '注意东门施工',
      problems: [
        { item: '监控正常', owner: '', deadline: '2026-05-05', reportedTo: '保卫处值班室', reportedAtMs: local(2026, 5, 3, 13, 50) },
      ],
    });
  });

  it('sends no notes when empty and leaves unanswered items to the core', () => {
    const f = ready();
    f.notes = '  ';
    f.checks[0].ok = null;
    const input = toHandoverInput(f, { outgoing: [], incoming: [] }, CTX) as HandoverInput;
    expect(input.notes).toBeNull();
    expect(input.checklist.map((c) => c.item)).toEqual(['监控正常']);
  });

  it('returns the items error instead of an input', () => {
    const f = ready();
    f.items = [{ item: 'x', count: '-1' }];
    expect('code' in toHandoverInput(f, { outgoing: [], incoming: [] }, CTX)).toBe(true);
  });

  it('keeps a zero count', () => {
    expect(handedOver([{ item: '备用钥匙', count: '0' }])).toEqual([{ item: '备用钥匙', count: 0 }]);
  });

  it("accepts counts up to the core's maximum and refuses above it, as the core does", () => {
    expect(handedOver([{ item: '对讲机', count: String(HANDED_OVER_COUNT_MAX) }])).toEqual([
      { item: '对讲机', count: HANDED_OVER_COUNT_MAX },
    ]);
    const over = handedOver([{ item: '对讲机', count: String(HANDED_OVER_COUNT_MAX + 1) }]) as AppError;
    expect([over.code, over.field, over.params.max]).toEqual(['out_of_range', 'handed_over', String(HANDED_OVER_COUNT_MAX)]);
    expect((handedOver([{ item: '对讲机', count: '000012' }]) as HandedOver[])[0].count).toBe(12);
  });

  it('drops a note on an OK item only when it is blank', () => {
    const blank = { deadline: '', reportedTo: '', reportedAt: '', owner: '' };
    expect(checkResults([{ item: 'a', ok: true, note: ' 新换电池 ', ...blank }])).toEqual([{ item: 'a', ok: true, note: '新换电池' }]);
  });
});

describe('reprint stamp', () => {
  it('stamps every print after the first', () => {
    expect(isReprint(0)).toBe(false);
    expect(isReprint(1)).toBe(false);
    expect(isReprint(2)).toBe(true);
    expect(isReprint(5)).toBe(true);
  });
});

describe('hasInk', () => {
  const W = 200;
  const H = 60;
  function pad(draw: (set: (x: number, y: number) => void) => void, rgba = [0, 0, 0, 255]) {
    const data = new Uint8ClampedArray(W * H * 4);
    draw((x, y) => data.set(rgba, (y * W + x) * 4));
    return { data, width: W, height: H };
  }

  it('a blank pad has no ink', () => {
    expect(hasInk(pad(() => {}))).toBe(false);
  });

  it('a dot is not a signature', () => {
    expect(
      hasInk(
        pad((set) => {
          for (let x = 10; x < 16; x++) for (let y = 10; y < 16; y++) set(x, y);
        }),
      ),
    ).toBe(false);
  });

  it('a thin short line is not one either', () => {
    expect(
      hasInk(
        pad((set) => {
          for (let x = 10; x < 200; x++) set(x, 30);
        }),
      ),
    ).toBe(false);
  });

  it('a stroke across the pad is a signature', () => {
    expect(
      hasInk(
        pad((set) => {
          for (let x = 10; x < 150; x++) for (let w = 0; w < 3; w++) set(x, 10 + Math.floor((x - 10) / 5) + w);
        }),
      ),
    ).toBe(true);
  });

  it('light or transparent strokes are not ink', () => {
    const scribble = (set: (x: number, y: number) => void) => {
      for (let x = 10; x < 150; x++) for (let y = 10; y < 40; y++) set(x, y);
    };
    expect(hasInk(pad(scribble, [220, 220, 220, 255]))).toBe(false);
    expect(hasInk(pad(scribble, [0, 0, 0, 60]))).toBe(false);
  });
});
