import { describe, expect, it } from 'vitest';
import { clockTime, dailyReportUrl, formatDuration, formatMetricValue, formatRate, itemsPerHour, teamReportUrl, todayIso } from './reports';

describe('report formatting', () => {
  it('formats durations in minutes and hours', () => {
    expect(formatDuration(185_000)).toBe('3 min');
    expect(formatDuration(3_900_000)).toBe('1 h 05 min');
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(0)).toBe('0 min');
  });

  it('formats rates and metric values', () => {
    expect(formatRate(1 / 3)).toBe('33.3%');
    expect(formatRate(null)).toBe('–');
    expect(formatMetricValue('gold_accuracy', 0.5)).toBe('50.0%');
    expect(formatMetricValue('items_per_day', 4)).toBe('4');
    expect(formatMetricValue('items_per_hour', 77.84)).toBe('77.8');
    expect(formatMetricValue('items_per_hour', null)).toBe('–');
  });

  it('sums items per hour across projects and ignores hours out of range', () => {
    const hours = itemsPerHour({
      hourly: [
        { project_id: 1, hour: 9, items: 2 },
        { project_id: 2, hour: 9, items: 1 },
        { project_id: 1, hour: 23, items: 4 },
        { project_id: 1, hour: 24, items: 9 },
      ],
    });
    expect(hours).toHaveLength(24);
    expect(hours[9]).toBe(3);
    expect(hours[23]).toBe(4);
    expect(hours.reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('builds download links with the query', () => {
    expect(dailyReportUrl({ user: 'ana lívia', date: '2026-03-10' }, 'csv')).toBe('/api/v1/reports/daily?user=ana+l%C3%ADvia&date=2026-03-10&format=csv');
    expect(dailyReportUrl({ user: null, date: '2026-03-10', source: 'stored' }, 'pdf')).toBe('/api/v1/reports/daily?date=2026-03-10&source=stored&format=pdf');
    expect(teamReportUrl(7, '2026-03-10', 'pdf')).toBe('/api/v1/projects/7/reports/team?date=2026-03-10&format=pdf');
  });

  it('shows clock times in the person\'s zone', () => {
    expect(clockTime('2026-03-10T09:05:00Z', 'UTC')).toBe('09:05');
    expect(clockTime('2026-03-10T09:05:00Z', 'Asia/Kolkata')).toBe('14:35');
    expect(clockTime('2026-03-10T09:05:00Z', 'Not/AZone')).toBe('09:05');
  });

  it('gives today as a local date', () => {
    expect(todayIso(new Date(2026, 2, 5, 23, 59))).toBe('2026-03-05');
  });
});
