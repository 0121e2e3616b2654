// Two more charts of the lead's team view, drawn as plain SVG like the others: average time per
// item by stage (the team's bar, each person's dot, the stage median), and speed against quality
// per person.
import { useMemo, useState } from 'react';
import { formatMetric, formatSeconds, niceScale, type Team } from '../../api/activity';
import { defaultQualityMetric, speedQuality, stageTimes, type QualityMetric } from '../../domain/teamCharts';

const W = 560;

const short = (name: string) => (name.length > 14 ? `${name.slice(0, 13)}…` : name);

export function StageTimeChart({ team }: { team: Team }) {
  const stages = useMemo(() => stageTimes(team.people, team.stage_medians), [team]);
  const rowH = 22;
  const gap = 12;
  const left = 80;
  const plotW = W - left - 24;
  const top = 6;
  const plotH = stages.length * (rowH + gap);
  const maxS = Math.max(0, ...stages.flatMap((s) => [s.avgMs, s.medianMs ?? 0, ...s.people.map((p) => p.avgMs)])) / 1000;
  const scale = niceScale(maxS, false);
  const x = (ms: number) => (ms / 1000 / scale.top) * plotW;
  return (
    <figure className="card">
      <h4>Average time per item by stage</h4>
      <div className="chart-legend" aria-hidden="true">
        <span>
          <i style={{ background: 'var(--accent)' }} />
          team average
        </span>
        <span>
          <i style={{ background: '#333', borderRadius: 5 }} />
          one person
        </span>
        <span>
          <i style={{ background: '#d9822b', width: 3 }} />
          median
        </span>
      </div>
      {stages.length === 0 ? (
        <p className="muted small">No timed items that day.</p>
      ) : (
        <svg className="chart" viewBox={`0 0 ${W} ${top + plotH + 24}`} width="100%" style={{ maxWidth: W }} role="img" aria-label="Average active time per item by stage" data-testid="stage-time-chart">
          <g transform={`translate(${left},${top})`}>
            {scale.ticks.map((t) => (
              <g key={t}>
                <line x1={x(t * 1000)} x2={x(t * 1000)} y1={0} y2={plotH} stroke="#e6e9ee" />
                <text x={x(t * 1000)} y={plotH + 14} textAnchor="middle">
                  {t} s
                </text>
              </g>
            ))}
            {stages.map((s, i) => {
              const y = i * (rowH + gap);
              return (
                <g key={s.stage}>
                  <text x={-8} y={y + rowH - 6} textAnchor="end">
                    {s.stage}
                  </text>
                  <rect className="bar" x={0} y={y} width={Math.max(1, x(s.avgMs))} height={rowH} data-testid="stage-time-bar" data-stage={s.stage} data-avg-ms={Math.round(s.avgMs)}>
                    <title>{`${s.stage}: ${formatSeconds(s.avgMs)} per item on average over ${s.items} item${s.items === 1 ? '' : 's'}${s.medianMs !== null ? `, median ${formatSeconds(s.medianMs)}` : ''}`}</title>
                  </rect>
                  {s.medianMs !== null && <line className="line" x1={x(s.medianMs)} x2={x(s.medianMs)} y1={y - 3} y2={y + rowH + 3} />}
                  {s.people.map((p) => (
                    <circle key={p.id} cx={x(p.avgMs)} cy={y + rowH / 2} r={4} fill="#333" stroke="#fff" data-testid="stage-time-dot" data-person={p.name} data-stage={s.stage}>
                      <title>{`${p.name}, ${s.stage}: ${formatSeconds(p.avgMs)} per item (${p.items} item${p.items === 1 ? '' : 's'})`}</title>
                    </circle>
                  ))}
                </g>
              );
            })}
          </g>
        </svg>
      )}
    </figure>
  );
}

const QUALITY_LABELS: Record<QualityMetric, string> = { gold_accuracy: 'Gold accuracy', review_pass_rate: 'Review pass rate' };

export function SpeedQualityChart({ team }: { team: Team }) {
  const [chosen, setChosen] = useState<QualityMetric | null>(null);
  const metric = chosen ?? defaultQualityMetric(team.people);
  const { points, missing } = useMemo(() => speedQuality(team.people, metric), [team, metric]);
  const H = 240;
  const pad = { left: 44, right: 28, top: 10, bottom: 34 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const xs = niceScale(Math.max(0, ...points.map((p) => p.itemsPerHour)), false);
  const x = (v: number) => (v / xs.top) * plotW;
  const y = (q: number) => plotH - q * plotH;
  return (
    <figure className="card">
      <div className="row">
        <h4 className="grow">Speed and quality per person</h4>
        <label className="small">
          Quality{' '}
          <select value={metric} onChange={(e) => setChosen(e.target.value as QualityMetric)} data-testid="quality-metric">
            {(Object.keys(QUALITY_LABELS) as QualityMetric[]).map((m) => (
              <option key={m} value={m}>
                {QUALITY_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W }} role="img" aria-label={`Items per hour against ${QUALITY_LABELS[metric].toLowerCase()}, one point per person`} data-testid="speed-quality-chart">
        <g transform={`translate(${pad.left},${pad.top})`}>
          {[0, 0.25, 0.5, 0.75, 1].map((q) => (
            <g key={q}>
              <line x1={0} x2={plotW} y1={y(q)} y2={y(q)} stroke="#e6e9ee" />
              <text x={-6} y={y(q) + 4} textAnchor="end">
                {q * 100}%
              </text>
            </g>
          ))}
          {xs.ticks.map((t) => (
            <text key={t} x={x(t)} y={plotH + 14} textAnchor="middle">
              {t}
            </text>
          ))}
          <text x={plotW / 2} y={plotH + 28} textAnchor="middle">
            items per hour
          </text>
          <line x1={0} x2={plotW} y1={plotH} y2={plotH} stroke="#999" />
          {points.map((p) => (
            <g key={p.id}>
              <circle className="bar" cx={x(p.itemsPerHour)} cy={y(p.quality)} r={5} data-testid="speed-quality-point" data-person={p.name} data-items-per-hour={p.itemsPerHour} data-quality={p.quality}>
                <title>{`${p.name}: ${formatMetric('items_per_hour', p.itemsPerHour)} items/h, ${QUALITY_LABELS[metric].toLowerCase()} ${formatMetric(metric, p.quality)} (${p.basis} ${metric === 'gold_accuracy' ? 'gold items' : 'reviews'})`}</title>
              </circle>
              {/* Near the right edge the name goes to the left of its point. */}
              <text x={x(p.itemsPerHour) + (x(p.itemsPerHour) > plotW - 100 ? -8 : 8)} y={y(p.quality) + 4} textAnchor={x(p.itemsPerHour) > plotW - 100 ? 'end' : 'start'}>
                {short(p.name)}
              </text>
            </g>
          ))}
        </g>
      </svg>
      {points.length === 0 && <p className="muted small">Nobody has both a pace and a {QUALITY_LABELS[metric].toLowerCase()} that day.</p>}
      {missing.length > 0 && (
        <p className="muted small" data-testid="speed-quality-missing">
          No {QUALITY_LABELS[metric].toLowerCase()} yet: {missing.join(', ')}.
        </p>
      )}
    </figure>
  );
}
