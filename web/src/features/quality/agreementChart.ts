// Layout of the "agreement over time" chart in plain numbers: one point per ISO week with its
// 95% interval as a band; the line and the band break where a week has no value.

export interface WeekValue {
  week: string;
  value: number | null;
  ci: readonly (number | null)[] | null;
  n_items: number;
}

export interface PlacedPoint {
  week: string;
  x: number;
  y: number;
  value: number;
  n: number;
  /** The y of the interval's ends (a whisker), null without an interval. */
  yLow: number | null;
  yHigh: number | null;
}

export interface AgreementLayout {
  /** The value axis, bottom to top. */
  low: number;
  high: number;
  ticks: { value: number; y: number }[];
  /** One label per week, at its x. */
  weeks: { week: string; x: number }[];
  points: PlacedPoint[];
  /** SVG path of the line (one M per unbroken run of weeks). */
  line: string;
  /** SVG path of the interval bands (one closed shape per unbroken run). */
  band: string;
}

function finite(v: number | null | undefined): v is number {
  return v !== null && v !== undefined && Number.isFinite(v);
}

/** The value axis: at least 0 to 1 (agreement coefficients), widened to every value and
 * interval end (alpha and kappa go below 0, error rates above 1), in steps of 0.25 or 0.5. */
export function agreementAxis(rows: readonly WeekValue[]): { low: number; high: number; step: number } {
  const seen = rows.flatMap((r) => [r.value, ...(r.ci ?? [])]).filter(finite);
  const min = Math.min(0, ...seen);
  const max = Math.max(1, ...seen);
  const step = max - min > 2 ? 0.5 : 0.25;
  return { low: Math.floor(min / step) * step, high: Math.ceil(max / step) * step, step };
}

/** Places the weeks evenly across `width` and the values on the axis over `height`. */
export function layoutAgreement(rows: readonly WeekValue[], width: number, height: number): AgreementLayout {
  const { low, high, step } = agreementAxis(rows);
  const y = (v: number) => height - ((v - low) / (high - low)) * height;
  const slot = rows.length > 1 ? width / (rows.length - 1) : 0;
  const x = (i: number) => (rows.length > 1 ? i * slot : width / 2);
  const ticks: { value: number; y: number }[] = [];
  for (let v = low; v <= high + step / 2; v += step) {
    const value = Number(v.toFixed(6));
    ticks.push({ value, y: y(value) });
  }
  const points: PlacedPoint[] = [];
  let line = '';
  let band = '';
  let run: { i: number; lo: number; hi: number }[] = [];
  const closeBand = () => {
    if (run.length) {
      const top = run.map((p, k) => `${k ? 'L' : 'M'}${x(p.i).toFixed(1)},${y(p.hi).toFixed(1)}`).join(' ');
      const bottom = [...run].reverse().map((p) => `L${x(p.i).toFixed(1)},${y(p.lo).toFixed(1)}`).join(' ');
      band += `${band ? ' ' : ''}${top} ${bottom} Z`;
    }
    run = [];
  };
  let previous = false;
  rows.forEach((r, i) => {
    if (!finite(r.value)) {
      previous = false;
      closeBand();
      return;
    }
    const [lo, hi] = r.ci ?? [null, null];
    const ends = finite(lo) && finite(hi);
    points.push({ week: r.week, x: x(i), y: y(r.value), value: r.value, n: r.n_items, yLow: ends ? y(lo) : null, yHigh: ends ? y(hi) : null });
    line += `${line ? ' ' : ''}${previous ? 'L' : 'M'}${x(i).toFixed(1)},${y(r.value).toFixed(1)}`;
    previous = true;
    if (finite(lo) && finite(hi)) run.push({ i, lo, hi });
    else closeBand();
  });
  closeBand();
  return { low, high, ticks, weeks: rows.map((r, i) => ({ week: r.week, x: x(i) })), points, line, band };
}
