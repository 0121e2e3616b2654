import { describe, expect, it } from 'vitest';
import { describeSchedule, isSkillTag, languageOf, parseIntervals, textsFromWeek, weekFromTexts, weekMinutes, type Schedule } from './workforce';

const schedule = (weeks: Schedule['weeks']): Schedule => ({ weeks, rotation_start: null, time_off: [], updated_at: '', current_week: 0 });

describe('skill tags', () => {
  it('accepts prefix:value in lowercase only', () => {
    expect(['lang:hi', 'modality:audio', 'domain_x:med.v2'].every(isSkillTag)).toBe(true);
    expect(['Lang:hi', 'lang', 'lang:', ':hi', 'lang:h i', 'lang:hi:x'].some(isSkillTag)).toBe(false);
    expect(languageOf('lang:hi')).toBe('hi');
    expect(languageOf('modality:audio')).toBeNull();
  });
});

describe('parseIntervals', () => {
  it('reads ranges, pads hours and sorts', () => {
    expect(parseIntervals('14:00-18:00, 9:00 - 13:00')).toEqual([
      ['09:00', '13:00'],
      ['14:00', '18:00'],
    ]);
    expect(parseIntervals('  ')).toEqual([]);
    expect(parseIntervals('22:00-24:00')).toEqual([['22:00', '24:00']]);
  });

  it('names the part that is wrong', () => {
    expect(() => parseIntervals('09:00-17:00, nine to five')).toThrow('"nine to five"');
    expect(() => parseIntervals('17:00-09:00')).toThrow('must end after it starts');
    expect(() => parseIntervals('24:00-24:00')).toThrow('not a time range');
    expect(() => parseIntervals('09:60-10:00')).toThrow('not a time range');
  });
});

describe('weeks', () => {
  it('round-trips through the seven day texts', () => {
    const texts = ['09:00-17:00', '09:00-17:00', '', '', '08:00-12:00, 13:00-15:00', '', ''];
    const week = weekFromTexts(texts);
    expect(Object.keys(week)).toEqual(['0', '1', '4']);
    expect(textsFromWeek(week)).toEqual(texts);
    expect(weekMinutes(week)).toBe(8 * 60 * 2 + 4 * 60 + 2 * 60);
  });

  it('summarises a schedule', () => {
    const nine = { '0': [['09:00', '17:00']], '1': [['09:00', '17:00']], '2': [['09:00', '17:00']] } as Schedule['weeks'][0];
    expect(describeSchedule(null)).toBe('no schedule');
    expect(describeSchedule(schedule([nine]))).toBe('Mon–Wed 09:00-17:00');
    expect(describeSchedule(schedule([nine, {}]))).toBe('2-week rotation (now week 1)');
    expect(describeSchedule(schedule([{ '0': [['09:00', '17:00']], '3': [['10:00', '12:00']] }]))).toBe('10 h a week');
    expect(describeSchedule(schedule([{}]))).toBe('no working hours');
  });
});
