// Pass helpers: outcome → colour and words (every Outcome, both languages), datetime-local
// ↔ ms, gates text ↔ list, the clear timer, list status, and the import report lines.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportProblem, Outcome, PassImportReport, PassKey } from '../bindings';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import {
  cleanPassCode,
  cleanWindow,
  chunk,
  CARDS_PER_SHEET,
  defaultValidity,
  formatGates,
  gatesText,
  importBytes,
  importProblemText,
  importSummary,
  revocationFileSummary,
  localInputToMs,
  msToLocalInput,
  OUTCOMES,
  canDistrust,
  distrustDoneText,
  keyState,
  outcomeView,
  parseGates,
  parseMaxUses,
  ResultTimer,
  showMsFor,
  toggleGate,
  usesText,
} from './passes';

const REFUSALS: Outcome[] = [
  'expired',
  'not_yet_valid',
  'outside_window',
  'wrong_gate',
  'revoked',
  'forged',
  'key_distrusted',
  'key_misused',
  'unknown_key',
  'malformed',
  'already_inside',
  'uses_exhausted',
  'clock_behind',
];

describe('outcomeView', () => {
  it('knows all fourteen outcomes', () => {
    expect([...OUTCOMES].sort()).toEqual(['valid', ...REFUSALS].sort());
  });

  it('a valid scan is green 通过 / VALID, with no override', () => {
    const zh = outcomeView({ outcome: 'valid', accepted: true, revokeReason: '' }, zhCN);
    expect(zh).toMatchObject({ tone: 'ok', title: '通过', canOverride: false, originalReason: null });
    expect(outcomeView({ outcome: 'valid', accepted: true, revokeReason: '' }, en).title).toBe('VALID');
  });

  it.each(REFUSALS)('refused %s is red with its own reason and offers the override', (outcome) => {
    for (const dict of [zhCN, en]) {
      const v = outcomeView({ outcome, accepted: false, revokeReason: '' }, dict);
      expect(v.tone).toBe(outcome === 'forged' || outcome === 'key_misused' ? 'alarm' : 'refused');
      expect(v.title).toBe(dict.passes.outcomes[outcome]);
      expect(v.help).toBe(dict.passes.outcomeHelp[outcome]);
      expect(v.canOverride).toBe(true);
    }
  });

  it('uses the FIELD.md words for the refusals in zh-CN', () => {
    const title = (o: Outcome) => outcomeView({ outcome: o, accepted: false, revokeReason: '' }, zhCN).title;
    expect(title('expired')).toBe('已过期');
    expect(title('not_yet_valid')).toBe('未生效');
    expect(title('outside_window')).toBe('不在通行时段');
    expect(title('wrong_gate')).toBe('非本门岗');
    expect(title('revoked')).toBe('已注销');
    expect(title('forged')).toBe('伪造（签名无效）');
    expect(title('unknown_key')).toBe('未知发证单位');
    expect(title('malformed')).toBe('无法识别');
    expect(title('already_inside')).toBe('已在校内（防回传）');
    expect(title('uses_exhausted')).toBe('次数已用完');
    expect(title('key_distrusted')).toBe('签发密钥已停用');
    expect(title('clock_behind')).toBe('本机时间异常');
  });

  it('every outcome reads differently (no two share a title)', () => {
    for (const dict of [zhCN, en]) {
      const titles = OUTCOMES.map((o) => dict.passes.outcomes[o]);
      expect(new Set(titles).size).toBe(OUTCOMES.length);
    }
  });

  it('a revoked pass shows the reason it was revoked', () => {
    const v = outcomeView({ outcome: 'revoked', accepted: false, revokeReason: '证件遗失' }, zhCN);
    expect(v.detail).toBe('注销原因：证件遗失');
    expect(outcomeView({ outcome: 'revoked', accepted: false, revokeReason: ' ' }, zhCN).detail).toBeNull();
    expect(outcomeView({ outcome: 'expired', accepted: false, revokeReason: 'x' }, zhCN).detail).toBeNull();
  });

  it("a supervisor's let-in is amber, accepted, with the original reason", () => {
    const v = outcomeView({ outcome: 'expired', accepted: true, revokeReason: '' }, zhCN);
    expect(v).toMatchObject({ tone: 'override', title: '主管放行', canOverride: false });
    expect(v.originalReason).toBe('原拒绝原因：已过期');
  });

  it('refusals stay up longer than a pass', () => {
    expect(showMsFor(false)).toBeGreaterThan(showMsFor(true));
  });
});

describe('ResultTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('clears once after the time, not before', () => {
    const onClear = vi.fn();
    const timer = new ResultTimer(onClear);
    timer.show(4000);
    expect(timer.showing).toBe(true);
    vi.advanceTimersByTime(3999);
    expect(onClear).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onClear).toHaveBeenCalledTimes(1);
    expect(timer.showing).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(onClear).toHaveBeenCalledTimes(1);
  });

  it('a new answer restarts the time', () => {
    const onClear = vi.fn();
    const timer = new ResultTimer(onClear);
    timer.show(4000);
    vi.advanceTimersByTime(3000);
    timer.show(4000);
    vi.advanceTimersByTime(3000);
    expect(onClear).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(onClear).toHaveBeenCalledTimes(1);
  });

  it('hold keeps it up until cleared; clear with nothing shown does nothing', () => {
    const onClear = vi.fn();
    const timer = new ResultTimer(onClear);
    timer.clear();
    expect(onClear).not.toHaveBeenCalled();
    timer.show(1000);
    timer.hold();
    vi.advanceTimersByTime(60_000);
    expect(onClear).not.toHaveBeenCalled();
    timer.clear();
    expect(onClear).toHaveBeenCalledTimes(1);
  });
});

describe('datetime-local ↔ ms', () => {
  it('reads local time and round-trips', () => {
    const ms = localInputToMs('2026-11-01T06:30');
    expect(ms).toBe(new Date(2026, 10, 1, 6, 30).getTime());
    expect(msToLocalInput(ms!)).toBe('2026-11-01T06:30');
    expect(localInputToMs('2026-12-31 23:59')).toBe(new Date(2026, 11, 31, 23, 59).getTime());
    expect(localInputToMs('2026-12-31T23:59:30')).toBe(new Date(2026, 11, 31, 23, 59, 30).getTime());
  });

  it('drops seconds when writing the input value', () => {
    expect(msToLocalInput(new Date(2027, 0, 9, 8, 5, 59).getTime())).toBe('2027-01-09T08:05');
  });

  it('refuses empty, malformed and impossible dates', () => {
    expect(localInputToMs('')).toBeNull();
    expect(localInputToMs('2026-11-01')).toBeNull();
    expect(localInputToMs('tomorrow')).toBeNull();
    expect(localInputToMs('2026-02-30T08:00')).toBeNull();
    expect(localInputToMs('2026-13-01T08:00')).toBeNull();
  });

  it('defaults to now … end of the day 30 days later', () => {
    const now = new Date(2026, 10, 1, 9, 17, 42).getTime();
    expect(defaultValidity(now)).toEqual({ from: '2026-11-01T09:17', to: '2026-12-01T23:59' });
  });
});

describe('gates text ↔ list', () => {
  it('parses any separator, full-width digits, sorts and drops repeats', () => {
    expect(parseGates('1,2')).toEqual({ gates: [1, 2] });
    expect(parseGates(' 3，1、2 2 ')).toEqual({ gates: [1, 2, 3] });
    expect(parseGates('１,１６')).toEqual({ gates: [1, 16] });
  });

  it('empty means every gate', () => {
    expect(parseGates('')).toEqual({ gates: [] });
    expect(parseGates('  ')).toEqual({ gates: [] });
  });

  it('refuses 0, 17 and words at the gates field', () => {
    for (const bad of ['0', '17', '1,东门', '1.5', '-1']) {
      const r = parseGates(bad);
      expect('error' in r && r.error.code, bad).toBe('gates_invalid');
      expect('error' in r && r.error.field, bad).toBe('gates');
    }
  });

  it('formats and toggles', () => {
    expect(formatGates([3, 1])).toBe('1,3');
    expect(toggleGate('1,3', 2)).toBe('1,2,3');
    expect(toggleGate('1,2,3', 2)).toBe('1,3');
    expect(toggleGate('', 5)).toBe('5');
  });

  it('reads as words', () => {
    expect(gatesText([], zhCN)).toBe('全部门岗');
    expect(gatesText([1, 2], zhCN)).toBe('1、2号门');
    expect(gatesText([], en)).toBe('All gates');
    expect(gatesText([1, 2], en)).toBe('Gate 1, 2');
  });
});

describe('form clean-up', () => {
  it('max uses: empty is no limit, digits a number, else not_a_number', () => {
    expect(parseMaxUses('')).toEqual({ value: null });
    expect(parseMaxUses(' ２０ ')).toEqual({ value: 20 });
    const bad = parseMaxUses('十');
    expect('error' in bad && bad.error.code).toBe('not_a_number');
    expect('error' in bad && bad.error.field).toBe('max_uses');
  });

  it('daily window typed with an IME becomes 06:00-22:00', () => {
    expect(cleanWindow('０６：００－２２：００')).toBe('06:00-22:00');
    expect(cleanWindow(' 6:00 至 22:00 ')).toBe('6:00-22:00');
    expect(cleanWindow('')).toBe('');
  });

  it('scan code: full-width digits and spaces', () => {
    expect(cleanPassCode(' １２３ 456\u3000789 ')).toBe('123456789');
  });
});

describe('pass list', () => {
  it('uses / max', () => {
    expect(usesText({ uses: 3, maxUses: 10 }, zhCN)).toBe('3/10');
    expect(usesText({ uses: 3, maxUses: null }, zhCN)).toBe('3/不限');
    expect(usesText({ uses: 0, maxUses: null }, en)).toBe('0/no limit');
  });

  it('A4 sheets of eight', () => {
    expect(CARDS_PER_SHEET).toBe(8);
    const items = Array.from({ length: 23 }, (_, i) => i);
    expect(chunk(items, 10).map((p) => p.length)).toEqual([10, 10, 3]);
    expect(chunk([], 10)).toEqual([]);
  });
});

describe('import report', () => {
  const problem = (over: Partial<ImportProblem>): ImportProblem => ({
    row: 3,
    field: 'holder_name',
    code: 'required',
    params: {},
    message: 'is required',
    ...over,
  });

  it('says nothing was issued and lists every row, field and reason', () => {
    const report: PassImportReport = {
      issued: [],
      problems: [
        problem({}),
        problem({ row: 5, field: 'gates', code: 'gates_invalid' }),
        problem({ row: 7, field: 'valid_to_ms', code: 'ends_before_start', params: { startField: 'valid_from_ms' } }),
        problem({ row: 8, field: 'kind', code: 'invalid_choice' }),
        problem({ row: 9, field: 'valid_to_ms', code: 'validity_too_long', params: { max: '400' } }),
      ],
    };
    expect(importSummary(report, zhCN)).toBe('发现 5 处问题，没有签发任何通行证。请改正后重新导入：');
    expect(importSummary(report, en)).toContain('NO pass was issued');
    expect(report.problems.map((p) => importProblemText(p, zhCN))).toEqual([
      '第 3 行，持证人姓名：请填写持证人姓名',
      '第 5 行，可通行门岗：门岗编号为 1 到 16',
      '第 7 行，失效时间：失效时间须晚于生效时间',
      '第 8 行，通行证类型：通行证类型的选项无效，请重新选择',
      '第 9 行，失效时间：有效期最长 400 天',
    ]);
    expect(importProblemText(report.problems[0], en)).toBe('Row 3, Holder name: ' + en.errors.required.replace('{field}', 'Holder name'));
  });

  it('an unknown field or code still reads as words', () => {
    const text = importProblemText(problem({ field: 'mystery', code: 'no_such_code' as ImportProblem['code'] }), zhCN);
    expect(text).toBe(`第 3 行，此项：${zhCN.errors.unknown}`);
  });

  it('success counts the issued passes', () => {
    expect(importSummary({ issued: [{}, {}, {}], problems: [] }, zhCN)).toBe('已签发 3 张通行证');
  });
});

describe('importBytes', () => {
  const decode = (b: Uint8Array) => new TextDecoder('gb18030').decode(b);

  it('re-encodes a CSV as UTF-8', () => {
    // "张三" in GB18030.
    const gb = new Uint8Array([0xd5, 0xc5, 0xc8, 0xfd]);
    expect(importBytes('名单.CSV', gb, decode)).toEqual(Array.from(new TextEncoder().encode('张三')));
  });

  it('sends an XLSX as it is', () => {
    const bytes = new Uint8Array([0x50, 0x4b, 3, 4]);
    expect(importBytes('passes.xlsx', bytes, decode)).toEqual([0x50, 0x4b, 3, 4]);
  });
});

describe('signing keys', () => {
  const key = (over: Partial<PassKey> = {}): PassKey => ({
    keyId: 7,
    label: '示例学校',
    publicKeyHex: 'ab'.repeat(32),
    own: true,
    current: false,
    retiredAtMs: null,
    distrustedAtMs: null,
    distrustedBy: '',
    distrustReason: '',
    fingerprint: '1234 5678 9012 3456 7890 1234',
    ...over,
  });

  it('a distrusted key shows as distrusted whatever else it is, and cannot be distrusted again', () => {
    expect(keyState(key({ current: true }))).toBe('current');
    expect(keyState(key({ retiredAtMs: 1 }))).toBe('retired');
    expect(keyState(key({ own: false }))).toBe('verify_only');
    const distrusted = key({ retiredAtMs: 1, distrustedAtMs: 2, distrustedBy: '王主管', distrustReason: '泄露' });
    expect(keyState(distrusted)).toBe('distrusted');
    expect(canDistrust(distrusted)).toBe(false);
    expect(canDistrust(key({ own: false }))).toBe(true);
    expect(canDistrust(key({ current: true }))).toBe(true);
  });

  it('says when a new key replaced the distrusted one, in both languages', () => {
    const replaced = { key: key({ distrustedAtMs: 2 }), replacedBy: key({ keyId: 9, current: true }) };
    expect(distrustDoneText(replaced, zhCN)).toBe('已停用密钥 #7，并启用新密钥 #9：请重新导出公钥交给其他门岗');
    expect(distrustDoneText(replaced, en)).toContain('new key #9');
    expect(distrustDoneText({ key: key({ distrustedAtMs: 2 }), replacedBy: null }, zhCN)).toBe('已停用密钥 #7');
    expect(distrustDoneText({ key: key({ distrustedAtMs: 2 }), replacedBy: null }, en)).toBe('Key #7 distrusted');
  });

  it('the retired and the distrusted badges never read alike (已停用 is only for distrust)', () => {
    for (const dict of [zhCN, en]) {
      expect(dict.passes.keys.retired.replace('{time}', 'x')).not.toBe(dict.passes.keys.distrusted.replace('{time}', 'x'));
    }
    expect(zhCN.passes.keys.retired).not.toContain('停用');
  });
});

describe('revocationFileSummary', () => {
  const entry = (keyId: number, serial: number) => ({ keyId, serial, reason: '证件遗失', revokedAtMs: 1 });
  const list = (issuerKeyId: number, number: number, entries: ReturnType<typeof entry>[]) => ({
    issuerKeyId,
    number,
    issuedAtMs: 5,
    entries,
    signature: '',
  });

  it("names the file after the current key's list and counts entries across every key", () => {
    const file = {
      format: 'gatehouse-revocations/2',
      lists: [list(7, 1795831200000, [entry(7, 1)]), list(3, 1795831200001, [entry(3, 4), entry(3, 9)])],
    };
    expect(revocationFileSummary(file)).toEqual({ file: 'gatehouse-revocations-7-1795831200000.json', number: 1795831200000, entries: 3 });
  });

  it('still names a file with no lists', () => {
    expect(revocationFileSummary({ format: 'gatehouse-revocations/2', lists: [] })).toEqual({
      file: 'gatehouse-revocations.json',
      number: 0,
      entries: 0,
    });
  });
});
