// A project's question settings: the working calendar the SLA clocks run on, who gets each
// category of question, and the SLA policy per category and priority with its escalation chain.
import { useEffect, useState } from 'react';
import { projects } from '../../api/endpoints';
import { CATEGORIES, PRIORITIES, questionsApi, type EscalationStep, type QuestionCategory, type QuestionSettings, type SlaPolicy } from '../../api/questions';
import type { Member, Project } from '../../api/types';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { WEEKDAYS, calendarFromForm, hoursToText } from './sla';

export function EditQuestionSettings({ project }: { project: Project }) {
  const settings = useLoad(() => questionsApi.settings(project.id), [project.id]);
  const members = useLoad(() => projects.members(project.id), [project.id]);
  if (settings.error) return <ShowError error={settings.error} />;
  if (!settings.data) return <p className="muted">Loading…</p>;
  return <SettingsForm key={JSON.stringify(settings.data)} project={project} initial={settings.data} members={(members.data ?? []).filter((m) => m.role !== 'viewer')} onSaved={settings.reload} />;
}

function stepsText(steps: EscalationStep[], members: Member[]): string {
  return steps.map((s) => (typeof s === 'number' ? members.find((m) => m.user.id === s)?.user.username ?? String(s) : s)).join(', ');
}

function parseSteps(text: string, members: Member[]): EscalationStep[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s === 'leads' || s === 'admins') return s;
      const m = members.find((x) => x.user.username === s);
      if (!m) throw new Error(`escalation step "${s}" is not "leads", "admins" or a member's username`);
      return m.user.id;
    });
}

function SettingsForm({ project, initial, members, onSaved }: { project: Project; initial: QuestionSettings; members: Member[]; onSaved(): void }) {
  const [tz, setTz] = useState(initial.calendar.tz);
  const [days, setDays] = useState(() => WEEKDAYS.map((_, i) => hoursToText(initial.calendar.hours[String(i)])));
  const [holidays, setHolidays] = useState(initial.calendar.holidays.join('\n'));
  const [routing, setRouting] = useState(initial.routing);
  const [policies, setPolicies] = useState(initial.policies);
  const [steps, setSteps] = useState(() => initial.policies.map((p) => stepsText(p.escalation, members)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setSteps(initial.policies.map((p) => stepsText(p.escalation, members))), [members, initial.policies]);

  const setPolicy = (i: number, patch: Partial<SlaPolicy>) => setPolicies((list) => list.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const calendar = calendarFromForm(tz, days, holidays);
      const withSteps = policies.map((p, i) => ({ ...p, escalation: parseSteps(steps[i] ?? '', members) }));
      const route: Partial<Record<QuestionCategory, number | null>> = {};
      for (const c of CATEGORIES) route[c.value] = routing[c.value] ?? null;
      await questionsApi.saveSettings(project.id, { calendar, routing: route, policies: withSteps });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card question-settings"
      data-testid="question-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>Working calendar</h3>
      <p className="muted small">SLA clocks count only working time: these hours in this time zone, without the holidays. A person's own shift calendar, where set, is used for questions assigned to them.</p>
      <label>
        Time zone <input value={tz} onChange={(e) => setTz(e.target.value)} placeholder="Europe/Berlin" data-testid="calendar-tz" />
      </label>
      <div className="form-grid">
        {WEEKDAYS.map((day, i) => (
          <label key={day}>
            {day}
            <input value={days[i]} placeholder="closed" onChange={(e) => setDays((d) => d.map((x, j) => (j === i ? e.target.value : x)))} data-testid={`calendar-day-${i}`} />
          </label>
        ))}
        <label className="wide">
          Holidays (one date per line)
          <textarea rows={3} value={holidays} onChange={(e) => setHolidays(e.target.value)} data-testid="calendar-holidays" />
        </label>
      </div>
      <h3>Routing</h3>
      <div className="form-grid">
        {CATEGORIES.map((c) => (
          <label key={c.value}>
            {c.label}
            <select
              value={routing[c.value] ?? ''}
              onChange={(e) => setRouting((r) => ({ ...r, [c.value]: e.target.value ? Number(e.target.value) : undefined }))}
              data-testid={`routing-${c.value}`}
            >
              <option value="">the project's leads</option>
              {members.map((m) => (
                <option key={m.user.id} value={m.user.id}>
                  {m.user.display_name || m.user.username} ({m.role})
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <h3>SLA policies (working minutes)</h3>
      <table className="grid" data-testid="sla-policies">
        <thead>
          <tr>
            <th>Category</th>
            <th>Priority</th>
            <th className="num">First answer</th>
            <th className="num">Resolution</th>
            <th className="num">Warn before</th>
            <th>Escalation chain</th>
          </tr>
        </thead>
        <tbody>
          {policies.map((p, i) => (
            <tr key={`${p.category}-${p.priority}`}>
              <td>{CATEGORIES.find((c) => c.value === p.category)?.label ?? p.category}</td>
              <td>{p.priority}</td>
              {(['first_response_minutes', 'resolution_minutes', 'warn_before_minutes'] as const).map((k) => (
                <td key={k} className="num">
                  <input
                    type="number"
                    min={k === 'warn_before_minutes' ? 0 : 1}
                    max={525600}
                    value={p[k]}
                    aria-label={`${p.category} ${p.priority} ${k.replace(/_/g, ' ')}`}
                    onChange={(e) => setPolicy(i, { [k]: Number(e.target.value) } as Partial<SlaPolicy>)}
                    data-testid={`policy-${p.category}-${p.priority}-${k}`}
                  />
                </td>
              ))}
              <td>
                <input value={steps[i] ?? ''} aria-label={`${p.category} ${p.priority} escalation chain`} onChange={(e) => setSteps((s) => s.map((x, j) => (j === i ? e.target.value : x)))} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Priorities: {PRIORITIES.join(', ')}. Escalation steps: “leads”, “admins” or a member's username, in order; each missed deadline moves the question one step on.</p>
      <ShowError error={error} />
      <div className="row end">
        {saved && (
          <span className="ok" role="status">
            Saved.
          </span>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="save-question-settings">
          Save settings
        </button>
      </div>
    </form>
  );
}
