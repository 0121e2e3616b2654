import { describe, expect, it } from 'vitest';
import { auditQuery, EMPTY_AUDIT_FORM, formatAt, formatDetails, formatObject, localToIso } from './audit';

describe('auditQuery', () => {
  it('leaves out empty fields and trims the rest', () => {
    expect(auditQuery(EMPTY_AUDIT_FORM, 0)).toEqual({ query: {} });
    expect(auditQuery({ ...EMPTY_AUDIT_FORM, action: ' quality. ', user: 'ann ' }, 0)).toEqual({ query: { action: 'quality.', user: 'ann' } });
  });
  it('sends local times as UTC', () => {
    // 60 minutes behind UTC (UTC-1): 09:30 local is 10:30 UTC.
    expect(auditQuery({ ...EMPTY_AUDIT_FORM, since: '2026-03-01T09:30' }, 60)).toEqual({ query: { since: '2026-03-01T10:30:00Z' } });
    // UTC+2: the date moves back across midnight.
    expect(auditQuery({ ...EMPTY_AUDIT_FORM, until: '2026-03-01T01:00' }, -120)).toEqual({ query: { until: '2026-02-28T23:00:00Z' } });
  });
  it('names the field that is wrong', () => {
    expect(auditQuery({ ...EMPTY_AUDIT_FORM, since: 'yesterday' }, 0)).toEqual({ field: 'since', message: 'since: not a date and time' });
    expect(auditQuery({ ...EMPTY_AUDIT_FORM, until: '2026-02-30T10:00' }, 0)).toMatchObject({ field: 'until' });
    expect(auditQuery({ ...EMPTY_AUDIT_FORM, since: '2026-03-02T00:00', until: '2026-03-01T00:00' }, 0)).toEqual({ field: 'until', message: 'until: before since' });
  });
});

describe('localToIso', () => {
  it('reads a date alone as its midnight', () => {
    expect(localToIso('2026-03-01', 0)).toBe('2026-03-01T00:00:00Z');
    expect(localToIso('2026-03-01 08:15:30', 0)).toBe('2026-03-01T08:15:30Z');
  });
  it('refuses times that do not exist', () => {
    expect(localToIso('2026-03-01T24:00', 0)).toBeNull();
    expect(localToIso('2026-13-01T00:00', 0)).toBeNull();
    expect(localToIso('', 0)).toBeNull();
  });
});

describe('formatting', () => {
  it('shows times in local time', () => {
    expect(formatAt('2026-03-01T10:30:00Z', 60)).toBe('2026-03-01 09:30:00');
    expect(formatAt('2026-03-01T10:30:00+00:00', 0)).toBe('2026-03-01 10:30:00');
    expect(formatAt('garbage', 0)).toBe('garbage');
  });
  it('names the object and spells out the details', () => {
    expect(formatObject('item', '12')).toBe('item 12');
    expect(formatObject(null, null)).toBe('');
    expect(formatDetails({ format: 'jsonl', include: ['gold'], rows: 3 })).toBe('format: jsonl, include: ["gold"], rows: 3');
    expect(formatDetails({})).toBe('');
    expect(formatDetails(null)).toBe('');
  });
});
