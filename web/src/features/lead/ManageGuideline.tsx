// The project's guideline for its lead: write the next version with a live preview (images
// uploaded, pasted or dropped; a .md file loaded as the text) and publish it (minor, or requiring
// acknowledgement), list the versions, and per version who confirmed it and which items were
// annotated under an older one, which can be sent back for a re-check.
import { useDeferredValue, useMemo, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { guideline } from '../../api/endpoints';
import { ASSET_TYPES, MAX_ASSET_BYTES, guidelineAssets } from '../../api/qualification';
import type { GuidelineVersion, Project } from '../../api/types';
import { setQuery, useLocation } from '../../app/router';
import { insertBlock, listSections, missingSections } from '../../domain/guideline';
import { readMarkdownFile } from '../../domain/guidelineText';
import { assetMarkdown } from '../../domain/markdown';
import { RenderMarkdown } from '../common/RenderMarkdown';
import { ShowDiff } from '../common/ShowDiff';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { AffectedItems } from './ListAffectedItems';

const MAX_BODY = 1_000_000;
const MAX_SUMMARY = 5000;
/** Roles the acknowledgement gate applies to. */
const GATED = new Set(['annotator', 'reviewer']);
/** A Markdown file loaded as the text is read in the browser; larger ones are refused. */
const MAX_MD_FILE = 4 * MAX_BODY;

export function ManageGuideline({ project }: { project: Project }) {
  const { search } = useLocation();
  const chosen = Number(search.get('version')) || null;
  const versions = useLoad(() => guideline.versions(project.id), [project.id]);
  const list = versions.data ?? [];
  const current = list.length ? list[list.length - 1]! : null;
  // The editor starts from the current text once it has loaded; `loadText` replaces it.
  const [loaded, setLoaded] = useState<{ text: string; at: number } | null>(null);
  const start = loaded ?? (versions.data ? { text: current?.body ?? '', at: 0 } : null);
  const shown = list.find((v) => v.version === chosen) ?? null;

  return (
    <div className="guideline-tab" data-testid="guideline-tab">
      <ShowError error={versions.error} />
      {start && (
        <EditGuideline
          key={start.at}
          project={project}
          initial={start.text}
          current={current}
          onPublished={(v) => {
            versions.reload();
            setQuery({ version: String(v.version) });
          }}
        />
      )}
      <ListVersions versions={list} chosen={chosen} />
      {shown && (
        <ShowVersion
          key={shown.version}
          project={project}
          version={shown}
          latest={shown.version === current?.version}
          onUseText={() => {
            setLoaded({ text: shown.body, at: Date.now() });
            window.scrollTo({ top: 0 });
          }}
        />
      )}
    </div>
  );
}

function EditGuideline({ project, initial, current, onPublished }: { project: Project; initial: string; current: GuidelineVersion | null; onPublished(v: GuidelineVersion): void }) {
  const [text, setText] = useState(initial);
  const [summary, setSummary] = useState('');
  const [requiresAck, setRequiresAck] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [published, setPublished] = useState<number | null>(null);
  const [uploading, setUploading] = useState(0);
  const [uploadNote, setUploadNote] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const preview = useDeferredValue(text);
  const sections = useMemo(() => listSections(preview), [preview]);
  const missing = useMemo(() => missingSections(project.schema.questions, preview), [project.schema.questions, preview]);
  const unchanged = current !== null && text === current.body;
  const tooLong = text.length > MAX_BODY;
  const next = (current?.version ?? 0) + 1;

  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      const v = await guideline.publish(project.id, { body: text, change_summary: summary.trim(), requires_ack: requiresAck });
      setPublished(v.version);
      setSummary('');
      setRequiresAck(false);
      onPublished(v);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  /** Uploads images and puts a reference to each where the caret is. */
  const addImages = async (files: File[]) => {
    const images = files.filter((f) => ASSET_TYPES.includes(f.type) || /\.(png|jpe?g|webp|gif)$/i.test(f.name));
    if (!images.length) return false;
    setError(null);
    setUploadNote(null);
    for (const file of images) {
      if (file.size > MAX_ASSET_BYTES) {
        setError(new Error(`${file.name} is larger than ${(MAX_ASSET_BYTES / 1e6).toFixed(1)} MB; images are limited to that.`));
        continue;
      }
      setUploading((n) => n + 1);
      try {
        const asset = await guidelineAssets.upload(project.id, file, file.name || 'pasted.png');
        const el = area.current;
        const ref = assetMarkdown(asset.id, asset.filename || file.name);
        setText((current) => {
          const at = el ? el.selectionStart : current.length;
          const to = el ? el.selectionEnd : current.length;
          const out = insertBlock(current, at, to, ref);
          requestAnimationFrame(() => el?.setSelectionRange(out.caret, out.caret));
          return out.value;
        });
        setUploadNote(`Added ${asset.filename || 'the image'} (${asset.width}×${asset.height}) as ${asset.ref}.`);
      } catch (err) {
        setError(err);
      } finally {
        setUploading((n) => n - 1);
      }
    }
    return true;
  };

  const loadFile = async (file: File) => {
    setError(null);
    if (file.size > MAX_MD_FILE) return setError(new Error(`${file.name} is too large for a guideline.`));
    const read = readMarkdownFile(new Uint8Array(await file.arrayBuffer()), file.name);
    if (!read.ok) return setError(new Error(read.problem));
    const body = read.text;
    if (text.trim() && text !== initial && !window.confirm(`Replace the text in the editor with ${file.name}?`)) return;
    setText(body);
    setUploadNote(`Loaded ${file.name} (${body.length.toLocaleString()} characters). Publish to make it a version.`);
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(e.clipboardData.files);
    if (files.some((f) => f.type.startsWith('image/'))) {
      e.preventDefault();
      void addImages(files);
    }
  };

  const onDrop = (e: DragEvent<HTMLTextAreaElement>) => {
    const files = Array.from(e.dataTransfer.files);
    if (!files.length) return;
    e.preventDefault();
    const md = files.find((f) => /\.(md|markdown|txt)$/i.test(f.name));
    if (md) void loadFile(md);
    else void addImages(files);
  };

  return (
    <div className="card" data-testid="guideline-editor">
      <h2>
        Guideline{' '}
        <span className="muted small" data-testid="guideline-current">
          {current ? `current version ${current.version}, published ${new Date(current.created_at).toLocaleString()}` : 'no version published yet'}
        </span>
      </h2>
      <p className="muted small">
        Versions are never edited: publishing makes version {next}. Numbered headings (<code>## 3.2 Occluded objects</code>) become sections a question's{' '}
        <code>guideline_section</code> links to.
      </p>
      <div className="guideline-editor">
        <label className="guideline-source">
          Markdown
          <textarea
            ref={area}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onPaste={onPaste}
            onDrop={onDrop}
            onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()}
            spellCheck
            rows={20}
            placeholder={'# Guideline\n\n## 1 Scope\n\nWhat to annotate and what not.\n\n## 2 Labels\n\n### 2.1 …'}
            data-testid="guideline-text"
          />
          <span className={`small ${tooLong ? 'bad' : 'muted'}`}>
            {text.length.toLocaleString()} / {MAX_BODY.toLocaleString()} characters
          </span>
        </label>
        <div className="guideline-preview" data-testid="guideline-preview" aria-label="Preview" aria-live="off">
          <h4>Preview</h4>
          {preview.trim() ? <RenderMarkdown source={preview} anchors /> : <p className="muted">Nothing written yet.</p>}
        </div>
      </div>
      <div className="row guideline-files">
        <label className="file-button">
          <input
            type="file"
            accept={ASSET_TYPES.join(',')}
            multiple
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              void addImages(files);
            }}
            data-testid="guideline-image-input"
          />
          <span>Add image…</span>
        </label>
        <label className="file-button">
          <input
            type="file"
            accept=".md,.markdown,.txt,text/markdown,text/plain"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void loadFile(file);
            }}
            data-testid="guideline-md-input"
          />
          <span>Load a .md file…</span>
        </label>
        <span className="muted small">
          Images (PNG, JPEG, WebP, GIF up to {(MAX_ASSET_BYTES / 1e6).toFixed(1)} MB) can also be pasted or dropped into the text; they go in as{' '}
          <code>![alt](asset:id)</code>.
        </span>
        {uploading > 0 && <span className="muted small">Uploading…</span>}
        {uploadNote && (
          <span className="ok small" role="status" data-testid="guideline-upload-note">
            {uploadNote}
          </span>
        )}
      </div>
      <div className="small" data-testid="guideline-sections">
        {sections.length ? (
          <>
            <span className="muted">Sections: </span>
            {sections.map((s) => (
              <span key={s.number} className="section-chip" title={s.title}>
                §{s.number} {s.title}
              </span>
            ))}
          </>
        ) : (
          <span className="muted">No numbered sections.</span>
        )}
      </div>
      {missing.length > 0 && (
        <div className="warning" role="status" data-testid="guideline-missing-sections">
          The schema points at sections this text does not have:{' '}
          {missing.map((m) => `§${m.section} (question ${m.question})`).join(', ')}.
        </div>
      )}
      <label>
        Change summary (shown to annotators with the differences)
        <textarea rows={2} maxLength={MAX_SUMMARY} value={summary} onChange={(e) => setSummary(e.target.value)} placeholder="What changed and why" data-testid="guideline-summary" />
      </label>
      <label className="check">
        <input type="checkbox" checked={requiresAck} onChange={(e) => setRequiresAck(e.target.checked)} data-testid="guideline-requires-ack" />
        <span>
          <strong>Requires acknowledgement</strong>: annotators and reviewers must read the changes and confirm this version before their next task. Leave
          unticked for a minor change (typos, wording), shown from the next task on.
        </span>
      </label>
      <ShowError error={error} />
      <div className="row">
        <button type="button" className="primary" disabled={busy || !text.trim() || unchanged || tooLong} onClick={() => void publish()} data-testid="guideline-publish">
          Publish version {next}
          {requiresAck ? ' (requires acknowledgement)' : ' (minor)'}
        </button>
        {unchanged && <span className="muted small">No changes from version {current!.version}.</span>}
        {published !== null && (
          <span className="ok" role="status" data-testid="guideline-published">
            Published version {published}.
          </span>
        )}
      </div>
    </div>
  );
}

function ListVersions({ versions, chosen }: { versions: GuidelineVersion[]; chosen: number | null }) {
  if (!versions.length) return null;
  return (
    <div className="card">
      <h3>Versions</h3>
      <table className="grid" data-testid="guideline-versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Published</th>
            <th>Change summary</th>
            <th>Kind</th>
          </tr>
        </thead>
        <tbody>
          {[...versions].reverse().map((v) => (
            <tr
              key={v.version}
              className={`clickable${v.version === chosen ? ' on' : ''}`}
              onClick={() => setQuery({ version: String(v.version), affected_label: undefined, affected_section: undefined })}
              data-testid={`guideline-version-${v.version}`}
            >
              <td>
                <button type="button" className="link" aria-label={`Open version ${v.version}`}>
                  v{v.version}
                </button>
                {v === versions[versions.length - 1] && <span className="tag">current</span>}
              </td>
              <td>{new Date(v.created_at).toLocaleString()}</td>
              <td className="pre small">{v.change_summary || <span className="muted">—</span>}</td>
              <td>{v.requires_ack ? <span className="tag strong">requires acknowledgement</span> : <span className="tag">minor</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ShowVersion({ project, version, latest, onUseText }: { project: Project; version: GuidelineVersion; latest: boolean; onUseText(): void }) {
  const v = version.version;
  const [showDiff, setShowDiff] = useState(false);
  return (
    <div className="card" data-testid="guideline-version-detail">
      <header className="row">
        <h2 className="grow">
          Version {v}{' '}
          <span className="muted small">
            {new Date(version.created_at).toLocaleString()} · {version.requires_ack ? 'requires acknowledgement' : 'minor'}
          </span>
        </h2>
        {!latest && (
          <button type="button" onClick={onUseText} data-testid="guideline-use-text">
            Start the next version from this text
          </button>
        )}
        <button type="button" onClick={() => setQuery({ version: undefined, affected_label: undefined, affected_section: undefined })}>
          Close
        </button>
      </header>
      <details onToggle={(e) => setShowDiff((e.target as HTMLDetailsElement).open)}>
        <summary>{v > 1 ? `Changes from version ${v - 1}` : 'Text of version 1'}</summary>
        {showDiff && <VersionDiff project={project} version={v} />}
      </details>
      <div className="columns">
        <AckReport project={project} version={version} latest={latest} />
        <AffectedItems project={project} version={v} />
      </div>
    </div>
  );
}

function VersionDiff({ project, version }: { project: Project; version: number }) {
  const diff = useLoad(() => guideline.diff(project.id, version > 1 ? version - 1 : null, version), [project.id, version]);
  return (
    <>
      <ShowError error={diff.error} />
      {diff.data ? <ShowDiff lines={diff.data.lines} testId="version-diff" /> : <p className="muted">Loading…</p>}
    </>
  );
}

function AckReport({ project, version, latest }: { project: Project; version: GuidelineVersion; latest: boolean }) {
  const report = useLoad(() => guideline.acks(project.id, version.version), [project.id, version.version]);
  const rows = report.data ?? [];
  const gated = rows.filter((r) => GATED.has(r.role));
  const done = gated.filter((r) => r.acked_at).length;
  return (
    <section data-testid="guideline-acks">
      <div className="row">
        <h3 className="grow">Acknowledgements</h3>
        <button type="button" className="small" onClick={report.reload}>
          Refresh
        </button>
      </div>
      <ShowError error={report.error} />
      {report.data && (
        <p className="small" data-testid="guideline-ack-count">
          {done} of {gated.length} annotators and reviewers confirmed version {version.version}.
          {!version.requires_ack && <span className="muted"> This version did not ask for confirmation.</span>}
          {!latest && <span className="muted"> A confirmation of a later version counts here too.</span>}
        </p>
      )}
      <table className="grid small">
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th>Confirmed</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.user.id} data-testid={`ack-${r.user.username}`}>
              <td>
                {r.user.display_name || r.user.username} <span className="muted">{r.user.username}</span>
              </td>
              <td>{r.role}</td>
              <td>
                {r.acked_at ? (
                  <span className="ok" data-testid="acked-at">
                    {new Date(r.acked_at).toLocaleString()}
                  </span>
                ) : GATED.has(r.role) ? (
                  <span className="bad">not yet</span>
                ) : (
                  <span className="muted">not required</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
