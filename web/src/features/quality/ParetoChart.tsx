// Error codes by count, biggest first, with the cumulative share as a line: plain SVG.
import type { ParetoRow } from '../../api/types';
import { layoutBars, scaleY } from '../../domain/quality';

const W = 640;
const H = 220;
const PAD = { left: 40, right: 40, top: 12, bottom: 46 };

export function ParetoChart({ rows, onPick }: { rows: ParetoRow[]; onPick(code: string): void }) {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const { bars, top, ticks } = layoutBars(
    rows.map((r) => ({ key: r.code, value: r.count })),
    plotW,
    plotH,
    { maxBar: 64, integer: true },
  );
  const line = bars.map((b, i) => `${i ? 'L' : 'M'}${(b.x + b.width / 2).toFixed(1)},${scaleY(rows[i]!.cumulative_share, 1, plotH).toFixed(1)}`).join(' ');
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W }} role="img" aria-label="Error codes Pareto chart" data-testid="pareto-chart">
      <g transform={`translate(${PAD.left},${PAD.top})`}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={0} x2={plotW} y1={scaleY(t, top, plotH)} y2={scaleY(t, top, plotH)} stroke="#e6e9ee" />
            <text x={-6} y={scaleY(t, top, plotH) + 4} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {[0, 0.5, 1].map((s) => (
          <text key={s} x={plotW + 6} y={scaleY(s, 1, plotH) + 4}>
            {Math.round(s * 100)}%
          </text>
        ))}
        {bars.map((b, i) => (
          <g key={b.key}>
            <rect
              className="bar"
              x={b.x}
              y={b.y}
              width={b.width}
              height={Math.max(b.height, 1)}
              onClick={() => onPick(b.key)}
              role="button"
              aria-label={`${b.key}: ${b.value}`}
              data-testid={`pareto-bar-${b.key}`}
            >
              <title>
                {rows[i]!.title ?? b.key}: {b.value} ({Math.round(rows[i]!.share * 100)}%)
              </title>
            </rect>
            <text x={b.x + b.width / 2} y={plotH + 14} textAnchor="middle">
              {b.key.length > 14 ? `${b.key.slice(0, 13)}…` : b.key}
            </text>
            <text x={b.x + b.width / 2} y={b.y - 3} textAnchor="middle">
              {b.value}
            </text>
          </g>
        ))}
        {bars.length > 0 && <path className="line" d={line} />}
        <line x1={0} x2={plotW} y1={plotH} y2={plotH} stroke="#999" />
      </g>
    </svg>
  );
}

/** A tiny line of values between 0 and 1 (error rate per week). */
export function Sparkline({ values, width = 120, height = 24 }: { values: number[]; width?: number; height?: number }) {
  if (values.length === 0) return null;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const d = values.map((v, i) => `${i ? 'L' : 'M'}${(i * step).toFixed(1)},${scaleY(v, 1, height).toFixed(1)}`).join(' ');
  return (
    <svg className="chart" width={width} height={height} viewBox={`0 -1 ${width} ${height + 2}`} aria-hidden="true">
      <path className="line" d={d} />
      {values.length === 1 && <circle cx={0} cy={scaleY(values[0]!, 1, height)} r={2} fill="#d9822b" />}
    </svg>
  );
}
