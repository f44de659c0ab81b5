// The registration form → NewVisit mapping and its helpers.
import { describe, expect, it } from 'vitest';
import type { AppError, NewVisit, ReturningVisitor } from '../bindings';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import {
  applyReturning,
  DOC_TYPES,
  DURATION_CHOICES,
  emptyForm,
  normaliseDocNumber,
  normalisePhone,
  normalisePlate,
  parseCompanions,
  parseExpectedMinutes,
  plausibleDocNumber,
  plausiblePhone,
  PURPOSE_KEYS,
  toNewVisit,
  type VisitForm,
} from './visit-form';

const NO_EXTRAS = { photo: null, acknowledgedWatchlist: [], watchlistOverride: null, expiredCardConfirmed: false };

function form(patch: Partial<VisitForm>): VisitForm {
  return { ...emptyForm(), ...patch };
}

function ok(v: NewVisit | AppError): NewVisit {
  if ('code' in v) throw new Error(`expected a NewVisit, got ${v.code}`);
  return v;
}

describe('toNewVisit', () => {
  it('sends blanks as null, trims text and cleans what the guard cannot see', () => {
    const v = ok(
      toNewVisit(
        form({
          name: '  张伟 ',
          idNumber: '110105 1949 1231 002x',
          phone: ' 138 0013 8000 ',
          organisation: '   ',
          host: ' 李老师 ',
          purpose: ' 送货 ',
          itemsIn: '',
          plate: ' 京a·12345 ',
          notes: '\t',
        }),
        NO_EXTRAS,
      ),
    );
    expect(v).toEqual({
      name: '张伟',
      docType: 'resident_id',
      idNumber: '11010519491231002X',
      phone: '13800138000',
      organisation: null,
      hostStaffId: null,
      host: '李老师',
      purpose: '送货',
      companions: 0,
      companionNames: null,
      itemsIn: null,
      plate: '京A12345',
      expectedMinutes: null,
      notes: null,
      hostConfirmedBy: null,
      photo: null,
      acknowledgedWatchlist: [],
      watchlistOverride: null,
      expiredCardConfirmed: false,
    });
  });

  it('keeps the picked host id, companions, expected minutes and extras', () => {
    const override = { supervisorId: 1, pin: '246810', reason: '校长批准' };
    const v = ok(
      toNewVisit(form({ host: '李老师', hostStaffId: 7, companions: '２', companionNames: '王五、赵六', expected: '2h' }), {
        photo: [0xff, 0xd8],
        acknowledgedWatchlist: [3, 4],
        watchlistOverride: override,
        expiredCardConfirmed: true,
      }),
    );
    expect(v.hostStaffId).toBe(7);
    expect(v.companions).toBe(2);
    expect(v.companionNames).toBe('王五、赵六');
    expect(v.expectedMinutes).toBe(120);
    expect(v.photo).toEqual([0xff, 0xd8]);
    expect(v.acknowledgedWatchlist).toEqual([3, 4]);
    expect(v.watchlistOverride).toEqual(override);
    expect(v.expiredCardConfirmed).toBe(true);
  });

  it('drops companion names when there are no companions', () => {
    expect(ok(toNewVisit(form({ companions: '0', companionNames: '王五' }), NO_EXTRAS)).companionNames).toBeNull();
  });

  it('records who confirmed by phone, the host by default, nothing when not ticked', () => {
    expect(ok(toNewVisit(form({ host: '李老师', hostConfirmed: true }), NO_EXTRAS)).hostConfirmedBy).toBe('李老师');
    expect(
      ok(toNewVisit(form({ host: '李老师', hostConfirmed: true, hostConfirmedBy: ' 教务处王老师 ' }), NO_EXTRAS)).hostConfirmedBy,
    ).toBe('教务处王老师');
    expect(ok(toNewVisit(form({ host: '李老师', hostConfirmedBy: '王老师' }), NO_EXTRAS)).hostConfirmedBy).toBeNull();
  });

  it('names the field when a number is not a number', () => {
    expect(toNewVisit(form({ companions: 'two' }), NO_EXTRAS)).toMatchObject({ code: 'not_a_number', field: 'companions' });
    expect(toNewVisit(form({ expected: 'soon' }), NO_EXTRAS)).toMatchObject({
      code: 'not_a_number',
      field: 'expected_minutes',
    });
  });

  it('leaves passports as typed apart from spaces and case', () => {
    expect(ok(toNewVisit(form({ docType: 'passport', idNumber: ' e1234 5678 ' }), NO_EXTRAS)).idNumber).toBe('E12345678');
  });
});

describe('quick choices', () => {
  it('maps the duration choices to 30 min, 1 h, 2 h and half a day', () => {
    expect([...DURATION_CHOICES]).toEqual([30, 60, 120, 240]);
    expect(zhCN.durations.m240).toBe('半天');
    for (const m of DURATION_CHOICES) {
      expect(parseExpectedMinutes(String(m))).toBe(m);
      expect(zhCN.durations[`m${m}`]).toBeTruthy();
      expect(en.durations[`m${m}`]).toBeTruthy();
    }
  });

  it('has the common purposes in both languages, in FIELD.md words', () => {
    expect(PURPOSE_KEYS.map((k) => zhCN.purposes[k])).toEqual(['公务', '送货', '施工维修', '探访', '面试', '家长会', '其他']);
    for (const k of PURPOSE_KEYS) expect(en.purposes[k]).toBeTruthy();
  });

  it('lists 居民身份证 first, as the default', () => {
    expect(DOC_TYPES[0]).toBe('resident_id');
    expect(emptyForm().docType).toBe('resident_id');
    expect(zhCN.docTypes.hk_macau_permit).toBe('港澳居民来往内地通行证');
  });
});

describe('parsers', () => {
  it('reads expected durations in minutes or hours', () => {
    expect(parseExpectedMinutes('')).toBeNull();
    expect(parseExpectedMinutes(' 90 ')).toBe(90);
    expect(parseExpectedMinutes('１．５小时')).toBe(90);
    expect(parseExpectedMinutes('3 h')).toBe(180);
    expect(parseExpectedMinutes('45分钟')).toBe(45);
    expect(parseExpectedMinutes('-5')).toBeUndefined();
    expect(parseExpectedMinutes('1:30')).toBeUndefined();
  });

  it('reads companions', () => {
    expect(parseCompanions('')).toBe(0);
    expect(parseCompanions('３')).toBe(3);
    expect(parseCompanions('1.5')).toBeUndefined();
  });

  it('normalises phones, plates and document numbers', () => {
    expect(normalisePhone('＋86 138-0013-8000')).toBe('+86138-0013-8000');
    expect(normalisePhone('０１０－１２３４５６７８')).toBe('010-12345678');
    expect(normalisePlate('京ａ·Ｄ12345')).toBe('京AD12345');
    expect(normaliseDocNumber('resident_id', '１１０１０５１９４９１２３１００２ｘ')).toBe('11010519491231002X');
  });

  it('only looks up plausible numbers', () => {
    expect(plausibleDocNumber('resident_id', '11010519491231002x')).toBe(true);
    expect(plausibleDocNumber('resident_id', '110105491231002')).toBe(true);
    expect(plausibleDocNumber('resident_id', '1101051949')).toBe(false);
    expect(plausibleDocNumber('passport', 'E1234')).toBe(true);
    expect(plausibleDocNumber('passport', 'E12')).toBe(false);
    expect(plausiblePhone('138 0013 8000')).toBe(true);
    expect(plausiblePhone('13800')).toBe(false);
  });
});

describe('applyReturning', () => {
  const last: ReturningVisitor = {
    name: '张伟',
    docType: 'resident_id',
    idNumber: '',
    phone: '13800138000',
    organisation: '顺丰速运',
    host: '李老师',
    hostStaffId: 7,
    purpose: '送货',
    plate: '京A12345',
    lastVisitAtMs: 0,
    visits: 3,
  };

  it('fills only the empty fields, never what the guard typed', () => {
    const f = form({ phone: '13800138000', purpose: '面试' });
    const filled = applyReturning(f, last);
    expect(f.name).toBe('张伟');
    expect(f.organisation).toBe('顺丰速运');
    expect(f.host).toBe('李老师');
    expect(f.hostStaffId).toBe(7);
    expect(f.purpose).toBe('面试');
    expect(f.plate).toBe('京A12345');
    expect(filled.sort()).toEqual(['host', 'name', 'organisation', 'plate']);
  });

  it('keeps a typed host (and its staff id) as it is', () => {
    const f = form({ host: '王主任', hostStaffId: 9 });
    applyReturning(f, last);
    expect([f.host, f.hostStaffId]).toEqual(['王主任', 9]);
  });

  it('takes the document type only with the number', () => {
    const f = form({ phone: '13800138000' });
    applyReturning(f, { ...last, docType: 'passport', idNumber: 'E12345678' });
    expect([f.docType, f.idNumber]).toEqual(['passport', 'E12345678']);
    const g = form({ idNumber: '11010519491231002X' });
    applyReturning(g, { ...last, docType: 'passport', idNumber: '' });
    expect(g.docType).toBe('resident_id');
  });
});
