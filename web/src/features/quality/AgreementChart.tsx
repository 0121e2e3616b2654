// Agreement of one question per ISO week: the measure as a line, its 95% interval as a band,
// and the number of items under each point; plain SVG like the Pareto chart.
import { layoutAgreement, type WeekValue } from './agreementChart';

const W = 640;
const H = 200;
const PAD = { left: 44, right: 16, top: 12, bottom: 40 };

export function AgreementChart({ question, metric, rows, higherIsBetter }: { question: string; metric: string | null; rows: WeekValue[]; higherIsBetter: boolean }) {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const { ticks, weeks, points, line, band } = layoutAgreement(rows, plotW, plotH);
  const every = Math.max(1, Math.ceil(weeks.length / 8)); // at most 8 week labels
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W }} role="img" aria-label={`Agreement of ${question} per week (${metric ?? 'no measure'}${higherIsBetter ? '' : ', lower is better'})`} data-testid={`agreement-chart-${question}`}>
      <g transform={`translate(${PAD.left},${PAD.top})`}>
        {ticks.map((t) => (
          <g key={t.value}>
            <line x1={0} x2={plotW} y1={t.y} y2={t.y} stroke={t.value === 0 ? '#999' : '#e6e9ee'} />
            <text x={-6} y={t.y + 4} textAnchor="end">
              {t.value.toFixed(2)}
            </text>
          </g>
        ))}
        {band && <path d={band} fill="#d9822b" fillOpacity={0.18} stroke="none" data-testid="agreement-band" />}
        {line && <path className="line" d={line} />}
        {points.map((p) =>
          p.yLow !== null && p.yHigh !== null ? <line key={`ci-${p.week}`} x1={p.x} x2={p.x} y1={p.yLow} y2={p.yHigh} stroke="#d9822b" strokeWidth={1.5} opacity={0.6} /> : null,
        )}
        {points.map((p) => (
          <circle key={p.week} cx={p.x} cy={p.y} r={3.5} fill="#d9822b" data-testid={`agreement-point-${p.week}`}>
            <title>
              {p.week}: {p.value.toFixed(3)} over {p.n} items
            </title>
          </circle>
        ))}
        {weeks.map((w, i) =>
          i % every === 0 ? (
            <text key={w.week} x={w.x} y={plotH + 16} textAnchor="middle">
              {w.week}
            </text>
          ) : null,
        )}
        {points.map((p) => (
          <text key={`n-${p.week}`} x={p.x} y={plotH + 30} textAnchor="middle" fontSize={10}>
            n={p.n}
          </text>
        ))}
      </g>
    </svg>
  );
}
