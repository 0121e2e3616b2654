// Reviewer agreement on the share of items reviewed twice: how much of the review is double,
// verdict agreement and Cohen's kappa (accept/fix/reject and pass/fail), the first × second
// verdict table, and the same per pair of reviewers and per error code; each table as CSV.
import { quality } from '../../api/endpoints';
import { reviewerAgreement } from '../../api/quality';
import type { Id, Project } from '../../api/types';
import { interval, num, pct } from '../../domain/quality';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

type Table = 'summary' | 'verdicts' | 'pairs' | 'codes';

function Csv({ pid, table }: { pid: Id; table: Table }) {
  return (
    <a href={quality.tableCsvUrl(pid, 'quality/reviewers', { table, n_boot: table === 'summary' ? 1000 : 0 })} className="small" download data-testid={`reviewers-csv-${table}`}>
      Download CSV
    </a>
  );
}

function Heading({ pid, table, children }: { pid: Id; table: Table; children: string }) {
  return (
    <header className="row">
      <h4 className="grow">{children}</h4>
      <Csv pid={pid} table={table} />
    </header>
  );
}

export function ShowReviewerAgreement({ project }: { project: Project }) {
  const { data, error, loading } = useLoad(() => reviewerAgreement.get(project.id), [project.id]);
  if (error) return <ShowError error={error} />;
  if (loading && !data) return <p className="muted">Computing reviewer agreement…</p>;
  if (!data) return null;
  return (
    <section className="card" data-testid="reviewer-agreement">
      <header className="row">
        <h3 className="grow">Reviewer agreement</h3>
        <Csv pid={project.id} table="summary" />
      </header>
      <dl className="stats" data-testid="reviewer-agreement-summary">
        <dt>Items reviewed</dt>
        <dd>{data.items_reviewed}</dd>
        <dt>Reviewed twice</dt>
        <dd data-testid="reviewed-twice">
          {data.items_reviewed_twice} ({pct(data.share_reviewed_twice)})
        </dd>
        <dt>Verdict agreement</dt>
        <dd data-testid="verdict-agreement">{pct(data.verdict_agreement)}</dd>
        <dt>Cohen's kappa (accept / fix / reject)</dt>
        <dd data-testid="verdict-kappa">{num(data.kappa)}</dd>
        <dt>Pass / fail agreement</dt>
        <dd>{pct(data.pass_fail_agreement)}</dd>
        <dt>Cohen's kappa (pass / fail)</dt>
        <dd>{num(data.pass_fail_kappa)}</dd>
        <dt>Krippendorff's alpha (95% CI)</dt>
        <dd>
          {num(data.alpha)} ({interval(data.alpha_ci)})
        </dd>
      </dl>
      {data.reviewed_twice === 0 ? (
        <p className="muted">
          No annotation has been judged by two reviewers yet. Set a share reviewed twice in the review settings to measure agreement.
        </p>
      ) : (
        <>
          <Heading pid={project.id} table="verdicts">
            First verdict ↓ · second verdict →
          </Heading>
          <table className="grid small heat" data-testid="verdict-matrix">
            <thead>
              <tr>
                <th />
                {data.verdicts.map((v) => (
                  <th key={v}>{v}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.matrix.map((row, i) => (
                <tr key={data.verdicts[i]}>
                  <th>{data.verdicts[i]}</th>
                  {row.map((n, j) => (
                    <td key={j} className="num" style={{ fontWeight: i === j ? 600 : undefined }}>
                      {n}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <Heading pid={project.id} table="pairs">
            By pair of reviewers
          </Heading>
          <table className="grid small" data-testid="reviewer-pairs">
            <thead>
              <tr>
                <th>Reviewers</th>
                <th className="num">Judged both</th>
                <th className="num">Agreement</th>
                <th className="num">Kappa</th>
              </tr>
            </thead>
            <tbody>
              {data.pairs.map((p) => (
                <tr key={`${p.reviewer_a}|${p.reviewer_b}`} data-testid={`reviewer-pair-${p.reviewer_a}-${p.reviewer_b}`}>
                  <td>
                    {p.reviewer_a} · {p.reviewer_b}
                  </td>
                  <td className="num">{p.shared}</td>
                  <td className="num">{pct(p.agreement)}</td>
                  <td className="num">{num(p.kappa)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.codes.length > 0 && (
            <>
              <Heading pid={project.id} table="codes">
                By error code
              </Heading>
              <table className="grid small" data-testid="reviewer-codes">
                <thead>
                  <tr>
                    <th>Code</th>
                    <th className="num">Given by one or both</th>
                    <th className="num">By both</th>
                    <th className="num">Agreement</th>
                    <th className="num">Kappa</th>
                  </tr>
                </thead>
                <tbody>
                  {data.codes.map((c) => (
                    <tr key={c.code}>
                      <td>
                        <code>{c.code}</code> {c.title && <span className="muted">{c.title}</span>}
                      </td>
                      <td className="num">{c.either}</td>
                      <td className="num">{c.both}</td>
                      <td className="num">{pct(c.agreement)}</td>
                      <td className="num">{num(c.kappa)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
