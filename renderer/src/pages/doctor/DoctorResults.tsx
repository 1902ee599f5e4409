import type { CheckResult } from '../../api/contract';
import { useApp, useStores } from '../../stores/react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { StatusIcon } from '../../components/StatusIcon';

function CheckList({ checks, label }: { checks: CheckResult[]; label: string }) {
  return (
    <ul className="checklist" aria-label={label}>
      {checks.map((c) => (
        <li key={c.id} className={`check-row st-${c.status}`} data-check={c.id}>
          <StatusIcon status={c.status} />
          <div>
            <div className="check-title">{c.title}</div>
            {c.fix && c.status !== 'pass' && (
              <div className="fix">
                <strong>Fix:</strong> <span className="pre-wrap">{c.fix}</span>
              </div>
            )}
            {c.evidence.length > 0 && (
              <details>
                <summary className="small">Evidence ({c.evidence.length})</summary>
                {c.evidence.map((e, i) => (
                  <div key={i} className="evidence">
                    <code className="mono small">$ {e.command}</code>
                    <pre className="small">{e.output || '(no output)'}</pre>
                  </div>
                ))}
              </details>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

function BeforeAfter({ before, after }: { before: CheckResult[]; after: CheckResult[] }) {
  const ids = [...new Set([...before.map((c) => c.id), ...after.map((c) => c.id)])];
  return (
    <table className="data-table">
      <caption>Before and after</caption>
      <thead>
        <tr>
          <th scope="col">Check</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {ids.map((id) => {
          const b = before.find((c) => c.id === id);
          const a = after.find((c) => c.id === id);
          return (
            <tr key={id}>
              <td>{a?.title ?? b?.title ?? id}</td>
              <td>{b ? <StatusIcon status={b.status} /> : '—'}</td>
              <td>{a ? <StatusIcon status={a.status} /> : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function DoctorResults() {
  const stores = useStores();
  const checks = useApp('doctor', (s) => s.checks);
  const live = useApp('doctor', (s) => s.liveChecks);
  const plan = useApp('doctor', (s) => s.plan);
  const selected = useApp('doctor', (s) => s.selected);
  const apply = useApp('doctor', (s) => s.apply);
  const rollback = useApp('doctor', (s) => s.rollback);
  const cancelError = useApp('doctor', (s) => s.cancelError);
  const shown = checks.loading ? live : (checks.data ?? []);
  const failing = (checks.data ?? []).filter((c) => c.status === 'fail' || c.status === 'warn').length;
  return (
    <div className="doctor-results">
      <ErrorNotice error={checks.error} what="Doctor checks" />
      <ErrorNotice error={cancelError} what="Cancel" />
      {shown.length > 0 && <CheckList checks={shown} label="FreePBX checks" />}
      {checks.data && (
        <div className="actions">
          <button type="button" className="btn" disabled={plan.loading} onClick={() => void stores.doctor.getState().loadPlan()}>
            {plan.loading ? 'Planning…' : failing > 0 ? `Plan fixes for ${failing} item${failing === 1 ? '' : 's'}` : 'Plan fixes'}
          </button>
        </div>
      )}
      <ErrorNotice error={plan.error} what="Planning fixes" />
      {plan.data && plan.data.length === 0 && <p className="ok-text">Nothing to fix.</p>}
      {plan.data && plan.data.length > 0 && (
        <fieldset className="plan">
          <legend>Fixes to apply</legend>
          {plan.data.map((p) => (
            <div key={p.id} className="plan-item">
              <label className="check">
                <input type="checkbox" disabled={p.alreadyApplied} checked={selected.includes(p.id)} onChange={(e) => stores.doctor.getState().toggle(p.id, e.target.checked)} /> {p.title}
                {p.alreadyApplied && <span className="muted small"> (already applied)</span>}
              </label>
              {p.files.length > 0 && <div className="muted small">Files: {p.files.join(', ')}</div>}
              {p.diff && <pre className="diff small">{p.diff.split('\n').map((l, i) => <span key={i} className={l.startsWith('+') && !l.startsWith('+++') ? 'add' : l.startsWith('-') && !l.startsWith('---') ? 'del' : ''}>{l}{'\n'}</span>)}</pre>}
              {p.commands.length > 0 && !p.diff && <pre className="small">{p.commands.map((c) => `$ ${c}`).join('\n')}</pre>}
            </div>
          ))}
          <div className="actions">
            <button type="button" className="btn btn-primary" disabled={selected.length === 0 || apply.loading} onClick={() => void stores.doctor.getState().applySelected()}>
              {apply.loading ? 'Applying…' : `Apply ${selected.length} selected`}
            </button>
            <button type="button" className="btn" disabled={rollback.loading} onClick={() => void stores.doctor.getState().rollbackLast()}>
              {rollback.loading ? 'Rolling back…' : 'Roll back last apply'}
            </button>
          </div>
        </fieldset>
      )}
      <ErrorNotice error={apply.error} what="Applying fixes" />
      {apply.data && (
        <div className="subsection">
          <p className="ok-text">
            Applied: {apply.data.applied.join(', ') || 'nothing'}. Backups: {apply.data.backups.map((b) => `${b.file} → ${b.backup}`).join('; ') || 'none'}.
          </p>
          {apply.data.reloadOutput && <pre className="small">{apply.data.reloadOutput}</pre>}
          <BeforeAfter before={apply.data.before} after={apply.data.after} />
        </div>
      )}
      <ErrorNotice error={rollback.error} what="Rollback" />
      {rollback.data && <p className="ok-text">Restored: {rollback.data.restored.join(', ') || 'nothing to restore'}.</p>}
    </div>
  );
}
