import { describe, expect, it } from 'vitest';
import type { ChildPickers } from '../bindings';
import { choiceForKey, chosenPicker, emptyDraft, isUnlisted, screenQuery, toNewPickup, withChild } from './pickup-form';

const child: ChildPickers = {
  className: '小一班',
  childName: '张小明',
  pickers: [
    { id: 11, pickerName: '张伟', relation: '父亲', phoneMasked: '138****5678', idLast4: '123X' },
    { id: 12, pickerName: '李芳', relation: '母亲', phoneMasked: '139****4321', idLast4: '0021' },
  ],
};

describe('choiceForKey', () => {
  it('chooses the list entry by its number, 0 for someone not on the list', () => {
    expect(choiceForKey('1', child)).toEqual({ kind: 'listed', id: 11 });
    expect(choiceForKey('2', child)).toEqual({ kind: 'listed', id: 12 });
    expect(choiceForKey('0', child)).toEqual({ kind: 'unlisted' });
    expect(choiceForKey('0', null)).toEqual({ kind: 'unlisted' });
  });

  it('chooses nothing past the list or for other keys', () => {
    expect(choiceForKey('3', child)).toBeNull();
    expect(choiceForKey('a', child)).toBeNull();
    expect(choiceForKey('Enter', child)).toBeNull();
    expect(choiceForKey('1', null)).toBeNull();
  });
});

describe('toNewPickup', () => {
  it('sends only the entry for a listed picker (the core reads the list), never a confirmation', () => {
    const draft = {
      ...withChild(emptyDraft(), child),
      choice: choiceForKey('2', child),
      pickerName: '手写',
      confirmation: 'phone' as const,
    };
    expect(toNewPickup(draft)).toMatchObject({
      childName: '张小明',
      className: '小一班',
      authorisedPickerId: 12,
      pickerName: '',
      pickerPhone: '',
      teacherConfirmation: null,
    });
    expect(chosenPicker(draft)?.pickerName).toBe('李芳');
    expect(screenQuery(draft)).toEqual({ name: '李芳', idNumber: null, plate: null });
  });

  it('sends the typed picker, the teacher and how they confirmed for someone not on the list', () => {
    const draft = {
      ...withChild(emptyDraft(), child),
      choice: choiceForKey('0', child),
      pickerName: ' 赵大妈 ',
      relation: '邻居',
      pickerPhone: '136 0000 2222',
      pickerIdNumber: '11010119650303021x',
      teacher: '刘老师',
      confirmation: 'in_person' as const,
    };
    expect(isUnlisted(draft)).toBe(true);
    expect(toNewPickup(draft)).toMatchObject({
      authorisedPickerId: null,
      pickerName: '赵大妈',
      pickerPhone: '13600002222',
      pickerIdNumber: '11010119650303021X',
      teacher: '刘老师',
      teacherConfirmation: 'in_person',
    });
    expect(screenQuery(draft)).toEqual({ name: '赵大妈', idNumber: '11010119650303021X', plate: null });
  });

  it('choosing another child clears the picker chosen for the last one', () => {
    const draft = { ...withChild(emptyDraft(), child), choice: choiceForKey('1', child) };
    expect(withChild(draft, { ...child, childName: '王小红', pickers: [] }).choice).toBeNull();
  });
});
