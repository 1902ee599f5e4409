import { useApp } from '../stores/react';
import { selectStatus } from '../stores/health';
import { selectActiveCount } from '../stores/calls';
import { hrefFor } from './router';
import { Uptime } from './Uptime';

const LABEL = { healthy: 'Healthy', degraded: 'Degraded', offline: 'Engine unreachable', unknown: 'Checking…' } as const;

/** Live health in the header: status light, ARI, active calls, link state. */
export function Header() {
  const status = useApp('health', selectStatus);
  const health = useApp('health', (s) => s.health.data);
  const conn = useApp('health', (s) => s.connection);
  // Live from call events; /health's count only refreshes on a poll.
  const active = useApp('calls', selectActiveCount);
  const loaded = useApp('calls', (s) => s.list.data !== undefined);
  const activeCalls = loaded ? active : (health?.active_calls ?? 0);
  return (
    <header className="app-header">
      <div className="brand">AAVA Desktop</div>
      <a className={`status-pill status-${status}`} href={hrefFor('doctor')} aria-label={`Engine status: ${LABEL[status]}. Open Doctor.`}>
        <span className="dot" aria-hidden="true" />
        <span data-testid="header-status">{LABEL[status]}</span>
      </a>
      <div className="header-facts" aria-live="polite">
        {health && conn.status !== 'closed' && (
          <>
            <span>ARI {health.ari_connected ? 'connected' : 'disconnected'}</span>
            <span>
              <span className="num" data-testid="header-active-calls">{activeCalls}</span> active call{activeCalls === 1 ? '' : 's'}
            </span>
            <Uptime />
          </>
        )}
        {conn.status === 'closed' && <span className="warn-text">Reconnecting: {conn.reason}</span>}
      </div>
    </header>
  );
}
