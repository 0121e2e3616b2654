// People: teams, skills, languages, time zones and schedules (admins and team leads edit, project
// leads read their members), and what each project asks of the people who work it.
import { useMemo, useState } from 'react';
import { projects } from '../../api/endpoints';
import type { Id } from '../../api/types';
import {
  WEEKDAYS,
  describeSchedule,
  isSkillTag,
  languageOf,
  textsFromWeek,
  weekFromTexts,
  weekMinutes,
  workforce,
  type Person,
  type Team,
  type TeamRole,
  type WeekHours,
} from '../../api/workforce';
import { setQuery, useLocation } from '../../app/router';
import { useSession } from '../../stores/session';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { ManageRequirements } from './ManageRequirements';

/** Runs an action, then reloads; keeps the last error to show. */
function useAct(reload: () => void): [unknown, (fn: () => Promise<unknown>) => Promise<boolean>] {
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setError(null);
      reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  return [error, act];
}

export function ManagePeople(_props: Record<string, never>) {
  const me = useSession((s) => s.user);
  const { search } = useLocation();
  const team = search.get('team') ?? '';
  const skill = search.get('skill') ?? '';
  const selected = search.get('person');
  const [skillText, setSkillText] = useState(skill);
  const people = useLoad(() => workforce.people({ team: team || undefined, skill: skill || undefined }), [team, skill]);
  const teams = useLoad(() => workforce.teams(), []);
  const skillOk = !skillText || isSkillTag(skillText.trim());
  return (
    <div className="page people-page">
      <header className="row">
        <h1 className="grow">People</h1>
        <span className="muted small">{me?.is_admin ? 'Everyone' : 'You, your team members and the members of projects you lead'}</span>
      </header>
      <div className="card">
        <form
          className="row filters"
          aria-label="Filter people"
          onSubmit={(e) => {
            e.preventDefault();
            if (skillOk) setQuery({ skill: skillText.trim() || undefined });
          }}
        >
          <label>
            Team{' '}
            <select value={team} data-testid="people-filter-team" onChange={(e) => setQuery({ team: e.target.value || undefined })}>
              <option value="">any team</option>
              {(teams.data ?? []).map((t) => (
                <option key={t.id} value={String(t.id)}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Skill{' '}
            <input value={skillText} placeholder="lang:hi" aria-invalid={!skillOk} data-testid="people-filter-skill" onChange={(e) => setSkillText(e.target.value)} />
          </label>
          <button type="submit" disabled={!skillOk}>
            Filter
          </button>
          {(team || skill) && (
            <button type="button" className="link" onClick={() => (setSkillText(''), setQuery({ team: undefined, skill: undefined }))}>
              clear filters
            </button>
          )}
          {!skillOk && <span className="warning">a skill looks like prefix:value, e.g. lang:hi</span>}
        </form>
        <ShowError error={people.error} />
        <PeopleTable people={people.data ?? []} selected={selected} loading={people.loading} />
      </div>
      {selected && (
        <EditPerson
          key={selected}
          personRef={selected}
          onChanged={() => {
            people.reload();
            teams.reload();
          }}
        />
      )}
      <ManageTeams teams={teams.data ?? []} error={teams.error} reload={() => (teams.reload(), people.reload())} isAdmin={!!me?.is_admin} />
      <ProjectRequirementsCard />
    </div>
  );
}

function PeopleTable({ people, selected, loading }: { people: Person[]; selected: string | null; loading: boolean }) {
  if (!loading && people.length === 0) return <p className="muted">Nobody matches.</p>;
  return (
    <table className="grid people-table" data-testid="people-table">
      <thead>
        <tr>
          <th>Person</th>
          <th>Teams</th>
          <th>Skills and languages</th>
          <th>Time zone</th>
          <th>Schedule</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {people.map((p) => (
          <tr key={p.user.id} data-testid={`person-${p.user.username}`} className={selected === p.user.username ? 'selected' : ''}>
            <td>
              {p.user.username}
              {p.user.display_name && <span className="muted"> ({p.user.display_name})</span>}
              {p.user.is_admin && <span className="tag">admin</span>}
            </td>
            <td>
              {p.teams.map((t) => (
                <span key={t.id} className="chip">
                  {t.name}
                  {t.role === 'lead' && <span className="tag">lead</span>}
                </span>
              ))}
            </td>
            <td>
              <SkillChips person={p} />
            </td>
            <td>{p.timezone}</td>
            <td className="small">{describeSchedule(p.schedule)}</td>
            <td>
              <button type="button" className="link" data-testid={`person-open-${p.user.username}`} onClick={() => setQuery({ person: p.user.username })}>
                open
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SkillChips({ person }: { person: Person }) {
  return (
    <>
      {person.skills.map((s) => {
        const lang = languageOf(s.tag);
        return (
          <span key={s.tag} className={lang ? 'chip chip-lang' : 'chip'} title={s.level ? `level ${s.level}` : 'no level'} data-testid={`skill-${person.user.username}-${s.tag}`}>
            {s.tag}
            {s.level != null && <span className="chip-level">{s.level}</span>}
          </span>
        );
      })}
    </>
  );
}

/** One person: skills, time zone, schedule. Controls show; the server decides (403 says why). */
function EditPerson({ personRef, onChanged }: { personRef: string; onChanged(): void }) {
  const me = useSession((s) => s.user);
  const person = useLoad(() => workforce.person(personRef), [personRef]);
  const reload = () => {
    person.reload();
    onChanged();
  };
  const [actError, act] = useAct(reload);
  const [tag, setTag] = useState('');
  const [level, setLevel] = useState('');
  const [tz, setTz] = useState<string | null>(null);
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []), []);
  const p = person.data;
  if (!p) return <ShowError error={person.error} />;
  const tagOk = isSkillTag(tag.trim());
  const isMe = me?.id === p.user.id;
  return (
    <section className="card" aria-label={`Person ${p.user.username}`} data-testid="person-detail">
      <header className="row">
        <h2 className="grow">
          {p.user.username}
          {isMe && <span className="tag">you</span>}
        </h2>
        <button type="button" className="link" onClick={() => setQuery({ person: undefined })}>
          close
        </button>
      </header>
      <ShowError error={actError} />
      <div className="columns">
        <div>
          <h3>Skills and languages</h3>
          <ul className="plain skill-list" aria-label="Skills">
            {p.skills.length === 0 && <li className="muted">No skills yet.</li>}
            {p.skills.map((s) => (
              <li key={s.tag} className="row">
                <span className={languageOf(s.tag) ? 'chip chip-lang' : 'chip'}>{s.tag}</span>
                <label className="small">
                  level{' '}
                  <select value={s.level ?? ''} aria-label={`Level of ${s.tag}`} onChange={(e) => act(() => workforce.setSkill(p.user.id, s.tag, e.target.value ? Number(e.target.value) : null))}>
                    <option value="">—</option>
                    {[1, 2, 3, 4, 5].map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="button" className="link" aria-label={`Remove ${s.tag}`} data-testid={`skill-remove-${s.tag}`} onClick={() => act(() => workforce.removeSkill(p.user.id, s.tag))}>
                  remove
                </button>
              </li>
            ))}
          </ul>
          <form
            className="row"
            aria-label="Add skill"
            onSubmit={(e) => {
              e.preventDefault();
              if (!tagOk) return;
              void act(() => workforce.setSkill(p.user.id, tag.trim(), level ? Number(level) : null)).then((ok) => ok && (setTag(''), setLevel('')));
            }}
          >
            <input value={tag} onChange={(e) => setTag(e.target.value.toLowerCase())} placeholder="lang:hi or modality:audio" aria-label="Skill tag" aria-invalid={!!tag && !tagOk} list="skill-suggestions" data-testid="skill-tag" />
            <datalist id="skill-suggestions">
              {['lang:en', 'lang:hi', 'lang:es', 'lang:fr', 'lang:de', 'lang:ar', 'lang:zh', 'modality:audio', 'modality:image', 'modality:video', 'modality:text'].map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
            <select value={level} onChange={(e) => setLevel(e.target.value)} aria-label="Level" data-testid="skill-level">
              <option value="">no level</option>
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  level {n}
                </option>
              ))}
            </select>
            <button type="submit" className="primary" disabled={!tagOk} data-testid="skill-add">
              Add skill
            </button>
          </form>
          {tag && !tagOk && <p className="warning">A skill is prefix:value in lowercase: lang:hi, modality:audio, domain:medical.</p>}
          <h3>Time zone</h3>
          <form
            className="row"
            aria-label="Time zone"
            onSubmit={(e) => {
              e.preventDefault();
              if (tz) void act(() => workforce.setTimezone(p.user.id, tz)).then((ok) => ok && setTz(null));
            }}
          >
            <input value={tz ?? p.timezone} onChange={(e) => setTz(e.target.value)} list="tz-list" aria-label="IANA time zone" data-testid="timezone-input" />
            <datalist id="tz-list">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            <button type="submit" disabled={tz === null || tz === p.timezone} data-testid="timezone-save">
              Save time zone
            </button>
          </form>
        </div>
        <EditSchedule person={p} onSaved={reload} />
      </div>
    </section>
  );
}

function ManageTeams({ teams, error, reload, isAdmin }: { teams: Team[]; error: unknown; reload(): void; isAdmin: boolean }) {
  const [actError, act] = useAct(reload);
  const [name, setName] = useState('');
  const [adding, setAdding] = useState<Record<Id, { user: string; role: TeamRole }>>({});
  return (
    <section className="card" aria-label="Teams" data-testid="teams">
      <h2>Teams</h2>
      <ShowError error={error ?? actError} />
      {teams.length === 0 && <p className="muted">{isAdmin ? 'No teams yet.' : 'You are in no team.'}</p>}
      {teams.map((t) => {
        const form = adding[t.id] ?? { user: '', role: 'member' as TeamRole };
        return (
          <div key={t.id} className="team-block" data-testid={`team-${t.name}`}>
            <div className="row">
              <strong className="grow">
                {t.name} <span className="muted small">{t.description}</span>
              </strong>
              <button type="button" className="link" onClick={() => setQuery({ team: String(t.id) })}>
                show people
              </button>
              {isAdmin && (
                <button type="button" className="link danger" onClick={() => window.confirm(`Delete team ${t.name}? Its people stay.`) && act(() => workforce.deleteTeam(t.id))}>
                  delete
                </button>
              )}
            </div>
            <div className="row">
              {t.members.map((m) => (
                <span key={m.user.id} className="chip">
                  {m.user.username}
                  {m.role === 'lead' && <span className="tag">lead</span>}
                  <button type="button" className="link" aria-label={`Remove ${m.user.username} from ${t.name}`} onClick={() => act(() => workforce.removeTeamMember(t.id, m.user.id))}>
                    ×
                  </button>
                </span>
              ))}
            </div>
            <form
              className="row"
              aria-label={`Add to ${t.name}`}
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => workforce.setTeamMember(t.id, form.user.trim(), form.role)).then((ok) => ok && setAdding({ ...adding, [t.id]: { user: '', role: 'member' } }));
              }}
            >
              <input value={form.user} required placeholder="username" aria-label={`Username to add to ${t.name}`} onChange={(e) => setAdding({ ...adding, [t.id]: { ...form, user: e.target.value } })} />
              {isAdmin && (
                <select value={form.role} aria-label="Team role" onChange={(e) => setAdding({ ...adding, [t.id]: { ...form, role: e.target.value as TeamRole } })}>
                  <option value="member">member</option>
                  <option value="lead">lead</option>
                </select>
              )}
              <button type="submit">Add</button>
            </form>
          </div>
        );
      })}
      {isAdmin && (
        <form
          className="row"
          aria-label="New team"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => workforce.createTeam(name.trim())).then((ok) => ok && setName(''));
          }}
        >
          <input value={name} required maxLength={100} placeholder="team name" aria-label="New team name" data-testid="team-name" onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="primary" data-testid="team-create">
            Create team
          </button>
        </form>
      )}
    </section>
  );
}

/** The requirements of one project the viewer leads (admins: any project). */
function ProjectRequirementsCard() {
  const me = useSession((s) => s.user);
  const list = useLoad(() => projects.list(), []);
  const led = (list.data ?? []).filter((p) => !p.archived && (me?.is_admin || p.role === 'lead'));
  const [pick, setPick] = useState<Id | null>(null);
  if (led.length === 0) return null;
  const current = pick ?? led[0]!.id;
  return (
    <section className="card" aria-label="Project requirements" data-testid="requirements-card">
      <header className="row">
        <h2 className="grow">Project requirements</h2>
        <label>
          Project{' '}
          <select value={current} onChange={(e) => setPick(Number(e.target.value))} data-testid="requirements-project">
            {led.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </header>
      <ManageRequirements key={current} projectId={current} />
    </section>
  );
}

const BLANK_WEEK = ['', '', '', '', '', '', ''];
const OFFICE_WEEK = ['09:00-17:00', '09:00-17:00', '09:00-17:00', '09:00-17:00', '09:00-17:00', '', ''];

/** Weekly hours (one week, or several worked in rotation), time off, and the coming days. */
function EditSchedule({ person, onSaved }: { person: Person; onSaved(): void }) {
  const initial = person.schedule;
  const [weeks, setWeeks] = useState<string[][]>(() => (initial ? initial.weeks.map(textsFromWeek) : [BLANK_WEEK]));
  const [active, setActive] = useState(0);
  const [rotationStart, setRotationStart] = useState(initial?.rotation_start ?? '');
  const [timeOff, setTimeOff] = useState<string[]>(initial?.time_off ?? []);
  const [newOff, setNewOff] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const availability = useLoad(() => workforce.availability(person.user.id), [person.user.id, saved, person.timezone]);
  const [actError, act] = useAct(() => undefined);

  // Parse every week; the first problem is shown beside the grid and blocks saving.
  const parsed = useMemo(() => {
    const out: WeekHours[] = [];
    for (const [i, texts] of weeks.entries()) {
      try {
        out.push(weekFromTexts(texts));
      } catch (err) {
        return { weeks: null, problem: `week ${i + 1}: ${(err as Error).message}` };
      }
    }
    return { weeks: out, problem: null };
  }, [weeks]);
  const setCell = (day: number, text: string) => setWeeks(weeks.map((w, i) => (i === active ? w.map((t, d) => (d === day ? text : t)) : w)));
  const week = weeks[active] ?? BLANK_WEEK;
  const needsStart = weeks.length > 1 && !rotationStart;

  const save = () =>
    act(async () => {
      if (!parsed.weeks) return;
      await workforce.setSchedule(person.user.id, { weeks: parsed.weeks, rotation_start: rotationStart || null, time_off: timeOff });
      setSaved(new Date().toISOString());
      onSaved();
    });

  return (
    <div className="schedule-editor" data-testid="schedule-editor">
      <h3>
        Schedule <span className="muted small">(local time, {person.timezone})</span>
      </h3>
      <ShowError error={actError} />
      <div className="subtabs" role="tablist" aria-label="Rotation weeks">
        {weeks.map((_, i) => (
          <button key={i} type="button" role="tab" aria-selected={i === active} className={i === active ? 'on' : ''} onClick={() => setActive(i)} data-testid={`schedule-week-${i}`}>
            Week {i + 1}
            {initial && initial.weeks.length > 1 && initial.current_week === i && <span className="tag">now</span>}
          </button>
        ))}
        {weeks.length < 12 && (
          <button type="button" onClick={() => (setWeeks([...weeks, [...week]]), setActive(weeks.length))} data-testid="schedule-add-week">
            + week
          </button>
        )}
      </div>
      <table className="grid schedule-grid">
        <tbody>
          {WEEKDAYS.map((name, day) => (
            <tr key={name}>
              <th scope="row">
                <label htmlFor={`hours-${active}-${day}`}>{name}</label>
              </th>
              <td>
                <input id={`hours-${active}-${day}`} value={week[day] ?? ''} placeholder="off" onChange={(e) => setCell(day, e.target.value)} data-testid={`hours-${day}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row small">
        <button type="button" className="link" onClick={() => setWeeks(weeks.map((w, i) => (i === active ? [...OFFICE_WEEK] : w)))}>
          Mon–Fri 09:00-17:00
        </button>
        <button type="button" className="link" onClick={() => setWeeks(weeks.map((w, i) => (i === active ? [...BLANK_WEEK] : w)))}>
          clear week
        </button>
        {weeks.length > 1 && (
          <button type="button" className="link danger" onClick={() => (setWeeks(weeks.filter((_, i) => i !== active)), setActive(0))}>
            remove week {active + 1}
          </button>
        )}
        <span className="grow" />
        {parsed.weeks && <span className="muted">{Math.round(weekMinutes(parsed.weeks[active] ?? {}) / 6) / 10} h this week</span>}
      </div>
      {parsed.problem && (
        <p className="warning" role="status">
          {parsed.problem}
        </p>
      )}
      {weeks.length > 1 && (
        <label className="row">
          Rotation starts (a day of week 1){' '}
          <input type="date" value={rotationStart} onChange={(e) => setRotationStart(e.target.value)} aria-invalid={needsStart} data-testid="rotation-start" />
        </label>
      )}
      <div>
        <strong className="small">Time off</strong>
        <div className="row">
          {timeOff.map((d) => (
            <span key={d} className="chip">
              {d}
              <button type="button" className="link" aria-label={`Remove time off ${d}`} onClick={() => setTimeOff(timeOff.filter((x) => x !== d))}>
                ×
              </button>
            </span>
          ))}
          <input type="date" value={newOff} aria-label="Day off" onChange={(e) => setNewOff(e.target.value)} data-testid="time-off-date" />
          <button type="button" disabled={!newOff} onClick={() => (setTimeOff([...new Set([...timeOff, newOff])].sort()), setNewOff(''))}>
            Add day off
          </button>
        </div>
      </div>
      <div className="row">
        <button type="button" className="primary" disabled={!parsed.weeks || needsStart} onClick={() => void save()} data-testid="schedule-save">
          Save schedule
        </button>
        {initial && (
          <button type="button" className="danger" onClick={() => window.confirm('Delete this schedule?') && act(async () => (await workforce.deleteSchedule(person.user.id), setSaved(new Date().toISOString()), onSaved()))}>
            Delete schedule
          </button>
        )}
        {saved && <span className="ok small">saved</span>}
      </div>
      <details>
        <summary>Next 14 days</summary>
        <ShowError error={availability.error} />
        <table className="grid small" data-testid="availability">
          <tbody>
            {(availability.data?.days ?? []).map((d) => (
              <tr key={d.date}>
                <td>{d.date}</td>
                <td>{WEEKDAYS[(new Date(`${d.date}T12:00:00Z`).getUTCDay() + 6) % 7]}</td>
                <td>{availability.data!.has_schedule && (initial?.weeks.length ?? 0) > 1 ? `week ${d.week + 1}` : ''}</td>
                <td>{d.off ? 'time off' : d.hours.map(([a, b]) => `${a}-${b}`).join(', ') || '—'}</td>
                <td className="num">{(d.working_minutes / 60).toFixed(1)} h</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
