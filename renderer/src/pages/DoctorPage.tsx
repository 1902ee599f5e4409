import { useEffect } from 'react';
import { useApp, useStores } from '../stores/react';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { formatDateTime, formatDuration } from '../components/format';
import { healthChecklist, type ChecklistItem } from './health-checklist';
import { SshDoctor } from './doctor/SshDoctor';
import { LogTail } from './doctor/LogTail';
import { StatusIcon } from '../components/StatusIcon';

function ChecklistRow({ item }: { item: ChecklistItem }) {
  return (
    <li className={`check-row st-${item.status}`} data-check={item.id}>
      <StatusIcon status={item.status} />
      <div>
        <div className="check-title">{item.title}</div>
        <div className="muted small">{item.detail}</div>
        {item.fix && (
          <div className="fix">
            <strong>Fix:</strong> {item.fix}
          </div>
        )}
      </div>
    </li>
  );
}

export function DoctorPage() {
  const stores = useStores();
  const health = useApp('health', (s) => s.health);
  useEffect(() => {
    void stores.health.getState().load();
  }, [stores]);
  const h = health.data;
  return (
    <div className="page doctor-page">
      <h1>Doctor</h1>
      <div className="card-grid">
        <section className="card" aria-labelledby="health-title">
          <div className="panel-head">
            <h2 id="health-title">Engine health</h2>
            <button type="button" className="btn btn-small" onClick={() => void stores.health.getState().load()} disabled={health.loading}>
              {health.loading ? 'Checking…' : 'Check again'}
            </button>
          </div>
          <ErrorNotice error={health.error} what="Reading /health" />
          {!h && health.loading && <Loading what="health" />}
          {h && (
            <>
              <p className="small">
                <span className={`badge status-${h.status}`}>{h.status}</span> · version {h.version} · up {formatDuration(h.uptime_seconds)} · {h.active_calls} active call
                {h.active_calls === 1 ? '' : 's'} · secrets in {h.secret_store} · config loaded {formatDateTime(h.config_loaded_at)}
              </p>
              <ul className="checklist" aria-label="Health checks">
                {healthChecklist(h).map((i) => (
                  <ChecklistRow key={i.id} item={i} />
                ))}
              </ul>
            </>
          )}
        </section>
        <SshDoctor />
        <LogTail />
      </div>
    </div>
  );
}
