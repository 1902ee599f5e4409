import type { ApiError } from '../api/errors';

/** Every failed API call renders as this: inline, with the code, the config path(s), and a clear line for not_available. */
export function ErrorNotice({ error, what }: { error: ApiError | undefined; what?: string }) {
  if (!error) return null;
  if (error.code === 'not_available') {
    return (
      <div className="notice notice-info" role="status">
        <strong>{what ? `${what}: not available in this engine.` : 'Not available in this engine.'}</strong>{' '}
        <span className="muted">The engine answered “{error.message}”. The feature appears once that part of the engine is enabled.</span>
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert">
      <strong>{what ? `${what} failed` : 'Request failed'}</strong> <code className="code-tag">{error.code}</code>
      <div>{error.message}</div>
      {error.path && (
        <div>
          at <code>{error.path}</code>
        </div>
      )}
      {error.issues && error.issues.length > 0 && (
        <ul className="issue-list">
          {error.issues.map((i, n) => (
            <li key={n}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      {error.code === 'disconnected' && <div className="muted">The dashboard reconnects on its own; try again in a moment.</div>}
      {error.code === 'unauthorized' && <div className="muted">Open the dashboard with <code>?token=&lt;api.token&gt;</code>.</div>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}
