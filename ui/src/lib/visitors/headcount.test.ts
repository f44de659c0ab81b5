import { describe, expect, it } from 'vitest';
import type { HeadcountTally, VisitRow } from '../bindings';
import { peopleOnSite, visitorPeople } from './headcount';

const row = (companions: number) => ({ companions }) as VisitRow;

describe('headcount', () => {
  it('counts each visitor with their companions', () => {
    expect(visitorPeople([])).toBe(0);
    expect(visitorPeople([row(0), row(3)])).toBe(5);
  });

  it('adds the other groups from the status bar, never the visitors twice', () => {
    const tallies: HeadcountTally[] = [
      { kind: 'visitors', people: 99 },
      { kind: 'vehicles', people: 2 },
      { kind: 'pass_holders', people: 1 },
    ];
    expect(peopleOnSite([row(3)], tallies)).toBe(7);
    expect(peopleOnSite([row(0)], undefined)).toBe(1);
  });
});
