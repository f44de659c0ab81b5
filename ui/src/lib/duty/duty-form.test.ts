// The duty-log entry form → NewEntry mapping and its time/date helpers.
import { describe, expect, it } from 'vitest';
import type { AppError, KeyPlace, NewEntry } from '../bindings';
import { INCIDENT_CATEGORIES } from '../bindings/duty-rules';
import {
  isSerious,
  addDays,
  afterSave,
  clockAfter,
  clockText,
  dutyDayStartMs,
  emptyEntryForm,
  ENTRY_KINDS,
  normaliseDate,
  parseClock,
  resolveClock,
  stopsFor,
  toNewEntry,
  type EntryForm,
} from './duty-form';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';

const local = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
// 2026-05-03 14:05:30 local; the duty day starts at 08:00.
const NOW = local(2026, 5, 3, 14, 5) + 30_000;
const CTX = { nowMs: NOW, startHour: 8 };
const PLACES: KeyPlace[] = [
  { id: 1, name: '大门', active: true },
  { id: 2, name: '配电房', active: true },
  { id: 3, name: '旧仓库', active: false },
];

function form(patch: Partial<EntryForm>): EntryForm {
  return { ...emptyEntryForm(PLACES, NOW), ...patch };
}

function ok(v: NewEntry | AppError): NewEntry {
  if ('code' in v) throw new Error(`expected a NewEntry, got ${v.code}`);
  return v;
}

describe('parseClock', () => {
  it.each([
    ['14:30', 870],
    ['14：30', 870],
    ['１４:３０', 870],
    ['1430', 870],
    ['930', 570],
    ['9:05', 545],
    ['09.05', 545],
    [' 00:00 ', 0],
    ['23:59', 1439],
  ])('%s → %i minutes', (text, minutes) => {
    expect(parseClock(text)).toBe(minutes);
  });

  it.each(['24:00', '12:60', '', 'abc', '1:2', '12345'])('%s is not a time', (text) => {
    expect(parseClock(text)).toBeNull();
  });
});

describe('duty-day times', () => {
  it('knows when the duty day started', () => {
    expect(dutyDayStartMs(NOW, 8)).toBe(local(2026, 5, 3, 8));
    // At 02:00 the duty day that started yesterday at 08:00 is still on.
    expect(dutyDayStartMs(local(2026, 5, 3, 2), 8)).toBe(local(2026, 5, 2, 8));
    expect(dutyDayStartMs(local(2026, 5, 3, 0, 0), 0)).toBe(local(2026, 5, 3, 0));
  });

  it('resolves a typed time to the latest moment that is not in the future', () => {
    expect(resolveClock(13 * 60 + 50, NOW, 8)).toBe(local(2026, 5, 3, 13, 50));
    // The current minute is not in the future.
    expect(resolveClock(14 * 60 + 5, NOW, 8)).toBe(local(2026, 5, 3, 14, 5));
  });

  it('puts a late-evening time on the evening before when the duty day crossed midnight', () => {
    const night = local(2026, 5, 3, 2, 0);
    expect(resolveClock(23 * 60 + 30, night, 8)).toBe(local(2026, 5, 2, 23, 30));
  });

  it('keeps a time later today in the future (so the core says "not in the future")', () => {
    expect(resolveClock(15 * 60, NOW, 8)).toBe(local(2026, 5, 3, 15, 0));
  });

  it('finds the end of a replacement after its start, across midnight', () => {
    expect(clockAfter(23 * 60, local(2026, 5, 3, 22))).toBe(local(2026, 5, 3, 23));
    expect(clockAfter(30, local(2026, 5, 3, 23, 40))).toBe(local(2026, 5, 4, 0, 30));
  });

  it('formats the clock as HH:MM', () => {
    expect(clockText(local(2026, 5, 3, 9, 7))).toBe('09:07');
  });
});

describe('dates', () => {
  it.each([
    ['2026-05-03', '2026-05-03'],
    ['2026/5/3', '2026-05-03'],
    ['2026.5.3', '2026-05-03'],
    ['２０２６年5月3日', '2026-05-03'],
    [' 2026-5-13 ', '2026-05-13'],
    ['next week', 'next week'],
  ])('normalises %s', (text, day) => {
    expect(normaliseDate(text)).toBe(day);
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-05-03', 1)).toBe('2026-05-04');
    expect(addDays('2026-05-31', 1)).toBe('2026-06-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('bad', 1)).toBe('bad');
  });
});

describe('toNewEntry', () => {
  it('sends no time (= now) while the guard has not changed it', () => {
    const e = ok(toNewEntry(form({ kind: 'call', text: ' 家长来电询问 ', time: '09:00' }), CTX));
    expect(e.occurredAtMs).toBeNull();
    expect(e.text).toBe('家长来电询问');
    expect(e.kind).toBe('call');
  });

  it('sends an earlier time the guard typed', () => {
    const e = ok(toNewEntry(form({ kind: 'other', text: 'x', time: '13:20', timeTouched: true }), CTX));
    expect(e.occurredAtMs).toBe(local(2026, 5, 3, 13, 20));
  });

  it('treats a cleared time as now', () => {
    expect(ok(toNewEntry(form({ kind: 'other', text: 'x', time: '  ', timeTouched: true }), CTX)).occurredAtMs).toBeNull();
  });

  it('names the time field when it is not a time', () => {
    const err = toNewEntry(form({ kind: 'other', text: 'x', time: '25:00', timeTouched: true }), CTX) as AppError;
    expect(err.code).toBe('time_format');
    expect(err.field).toBe('occurred_at_ms');
  });

  it('turns blanks into null and trims', () => {
    const e = ok(toNewEntry(form({ kind: 'other', text: 'x', place: '  ', reportedTo: ' 110 ' }), CTX));
    expect(e.place).toBeNull();
    expect(e.reportedTo).toBe('110');
    expect(e.followUp).toBeNull();
    expect(e.closesItemId).toBeNull();
  });

  it('sends the severity only for an incident', () => {
    const inc = ok(toNewEntry(form({ kind: 'incident', text: 'x', severity: 'high' }), CTX));
    expect(inc.severity).toBe('high');
    const none = ok(toNewEntry(form({ kind: 'incident', text: 'x', severity: '' }), CTX));
    expect(none.severity).toBeNull();
    const call = ok(toNewEntry(form({ kind: 'call', text: 'x', severity: 'high' }), CTX));
    expect(call.severity).toBeNull();
  });

  it('sends the category of an incident and knows the serious ones from the core', () => {
    const fire = form({ kind: 'incident', text: 'x', severity: 'high', incidentCategory: 'fire' });
    expect(ok(toNewEntry(fire, CTX)).incidentCategory).toBe('fire');
    expect(isSerious(fire)).toBe(true);
    for (const c of ['fight', 'forced_entry', 'injury', 'theft'] as const)
      expect(isSerious({ kind: 'incident', incidentCategory: c })).toBe(true);
    expect(isSerious({ kind: 'incident', incidentCategory: 'other' })).toBe(false);
    expect(isSerious({ kind: 'incident', incidentCategory: '' })).toBe(false);
    expect(isSerious({ kind: 'call', incidentCategory: 'fire' })).toBe(false);
    expect(ok(toNewEntry(form({ kind: 'call', text: 'x', incidentCategory: 'fire' }), CTX)).incidentCategory).toBeNull();
  });

  it('sends when it was reported, as an instant of the duty day, and names a bad time', () => {
    const e = ok(toNewEntry(form({ kind: 'incident', text: 'x', reportedTo: '119', reportedAt: '１３：５５' }), CTX));
    expect(e.reportedAtMs).toBe(local(2026, 5, 3, 13, 55));
    expect(ok(toNewEntry(form({ kind: 'incident', text: 'x' }), CTX)).reportedAtMs).toBeNull();
    const bad = toNewEntry(form({ kind: 'incident', text: 'x', reportedAt: '25:00' }), CTX) as AppError;
    expect([bad.code, bad.field]).toEqual(['time_format', 'reported_at_ms']);
  });

  it('sends the supervisor and their PIN for a desk spot check, and only the caller for a phone check', () => {
    const desk = ok(
      toNewEntry(
        form({
          kind: 'spot_check',
          text: '查岗',
          spotCheckMode: 'in_person',
          spotCheckSupervisorId: '3',
          spotCheckPin: ' ２４６８１０ ',
          spotCheckBy: '不发送',
        }),
        CTX,
      ),
    );
    expect([desk.spotCheckSupervisorId, desk.spotCheckPin, desk.spotCheckBy]).toEqual([3, '246810', null]);
    const unchosen = ok(toNewEntry(form({ kind: 'spot_check', text: '查岗', spotCheckMode: 'in_person' }), CTX));
    expect([unchosen.spotCheckSupervisorId, unchosen.spotCheckPin]).toEqual([null, null]);
    const phone = ok(
      toNewEntry(
        form({
          kind: 'spot_check',
          text: '查岗',
          spotCheckMode: 'phone',
          spotCheckBy: ' 010-62345678 ',
          spotCheckSupervisorId: '3',
          spotCheckPin: '246810',
        }),
        CTX,
      ),
    );
    expect([phone.spotCheckBy, phone.spotCheckSupervisorId, phone.spotCheckPin]).toEqual(['010-62345678', null, null]);
  });

  it('sends who checked and how for a spot check (查岗)', () => {
    const e = ok(toNewEntry(form({ kind: 'spot_check', text: '查岗', spotCheckBy: ' 王主管 ', spotCheckMode: 'phone' }), CTX));
    expect(e.spotCheckBy).toBe('王主管');
    expect(e.spotCheckMode).toBe('phone');
    expect(e.patrolStops).toEqual([]);
    const other = ok(toNewEntry(form({ kind: 'call', text: 'x', spotCheckBy: '王主管' }), CTX));
    expect(other.spotCheckBy).toBeNull();
    expect(other.spotCheckMode).toBeNull();
  });

  it('sends the replacement guard and from/to instants (替岗)', () => {
    const e = ok(
      toNewEntry(
        form({ kind: 'replacement', text: '就餐', replacementGuard: '李四', replacementFrom: '12:00', replacementTo: '12:30' }),
        CTX,
      ),
    );
    expect(e.replacementGuard).toBe('李四');
    expect(e.replacementFromMs).toBe(local(2026, 5, 3, 12, 0));
    expect(e.replacementToMs).toBe(local(2026, 5, 3, 12, 30));
  });

  it('lets a replacement end after midnight', () => {
    const night = { nowMs: local(2026, 5, 4, 1, 0), startHour: 8 };
    const e = ok(
      toNewEntry(
        form({ kind: 'replacement', text: 'x', replacementGuard: '李四', replacementFrom: '23:30', replacementTo: '0:30' }),
        night,
      ),
    );
    expect(e.replacementFromMs).toBe(local(2026, 5, 3, 23, 30));
    expect(e.replacementToMs).toBe(local(2026, 5, 4, 0, 30));
  });

  it('leaves missing replacement times to the core and names a bad one', () => {
    const e = ok(toNewEntry(form({ kind: 'replacement', text: 'x', replacementGuard: '李四' }), CTX));
    expect(e.replacementFromMs).toBeNull();
    expect(e.replacementToMs).toBeNull();
    const err = toNewEntry(form({ kind: 'replacement', text: 'x', replacementFrom: '12:00', replacementTo: 'noon' }), CTX) as AppError;
    expect(err.field).toBe('replacement_to_ms');
  });

  it('sends every active key place of a patrol with its tick and anomaly', () => {
    const f = form({ kind: 'patrol', text: '巡逻一圈' });
    f.stops[0].visited = true;
    f.stops[1].visited = false;
    f.stops[0].anomaly = ' 门锁松动 ';
    const e = ok(toNewEntry(f, CTX));
    expect(e.patrolStops).toEqual([
      { place: '大门', visited: true, anomaly: '门锁松动' },
      { place: '配电房', visited: false, anomaly: null },
    ]);
  });

  it('logs the typed place as visited when no key places are set up', () => {
    const f = { ...emptyEntryForm([], NOW), kind: 'patrol' as const, text: 'x', place: '东侧围墙' };
    expect(ok(toNewEntry(f, CTX)).patrolStops).toEqual([{ place: '东侧围墙', visited: true, anomaly: null }]);
  });

  it('sends no patrol stops for other kinds', () => {
    const f = form({ kind: 'call', text: 'x' });
    f.stops[0].visited = true;
    expect(ok(toNewEntry(f, CTX)).patrolStops).toEqual([]);
  });

  it('opens a follow-up item when any of its fields is filled', () => {
    const e = ok(
      toNewEntry(
        form({
          kind: 'spot_check',
          text: 'x',
          spotCheckBy: '王',
          followUpTitle: ' 灭火器过期 ',
          followUpOwner: '后勤',
          followUpDeadline: '2026/5/10',
        }),
        CTX,
      ),
    );
    expect(e.followUp).toEqual({ title: '灭火器过期', owner: '后勤', deadline: '2026-05-10' });
    // A half-filled follow-up still goes, so the core names the missing field.
    expect(ok(toNewEntry(form({ kind: 'other', text: 'x', followUpOwner: '后勤' }), CTX)).followUp).toEqual({
      title: '',
      owner: '后勤',
      deadline: '',
    });
  });

  it('closes the chosen open item', () => {
    expect(ok(toNewEntry(form({ kind: 'other', text: '已更换', closesItemId: '12' }), CTX)).closesItemId).toBe(12);
  });
});

describe('form helpers', () => {
  it('builds one unticked row per active key place', () => {
    expect(stopsFor(PLACES)).toEqual([
      { place: '大门', visited: false, anomaly: '' },
      { place: '配电房', visited: false, anomaly: '' },
    ]);
  });

  it('starts with now and a patrol', () => {
    const f = emptyEntryForm(PLACES, local(2026, 5, 3, 7, 4));
    expect(f.time).toBe('07:04');
    expect(f.timeTouched).toBe(false);
    expect(f.kind).toBe('patrol');
  });

  it('keeps the kind after a save and clears the rest', () => {
    const f = form({ kind: 'incident', text: 'x', severity: 'low', followUpTitle: 't', closesItemId: '3', timeTouched: true });
    const next = afterSave(f, PLACES, NOW);
    expect(next.kind).toBe('incident');
    expect(next.text).toBe('');
    expect(next.severity).toBe('');
    expect(next.followUpTitle).toBe('');
    expect(next.closesItemId).toBe('');
    expect(next.timeTouched).toBe(false);
  });

  it('has a label for every kind, severity and mode in both languages', () => {
    for (const d of [zhCN, en]) {
      for (const k of ENTRY_KINDS) expect(d.duty.kinds[k]).toBeTruthy();
    }
    expect(zhCN.duty.kinds.patrol).toBe('巡逻');
    expect(zhCN.duty.kinds.spot_check).toBe('查岗');
    expect(zhCN.duty.kinds.replacement).toBe('替岗');
    for (const d of [zhCN, en]) {
      for (const c of INCIDENT_CATEGORIES) expect(d.duty.categories[c]).toBeTruthy();
    }
    expect(zhCN.duty.categories.forced_entry).toBe('强行闯入');
  });
});
