import { useEffect, useState } from 'react';
import { useApp, useStores } from '../stores/react';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { hrefFor } from '../components/router';
import { formatDateTime } from '../components/format';
import { ContextEditor } from './ContextEditor';

export function ContextsPage({ selected }: { selected?: string | undefined }) {
  const stores = useStores();
  const config = useApp('config', (s) => s.config);
  const reloadError = useApp('config', (s) => s.reloadError);
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    void stores.config.getState().load();
    void stores.config.getState().loadCatalog();
  }, [stores]);
  useEffect(() => setCreating(false), [selected]);
  const view = config.data;
  const exists = !!view && !!selected && view.contexts.some((c) => c.name === selected);
  return (
    <div className="page contexts-page">
      <section className="contexts-list" aria-labelledby="contexts-title">
        <h1 id="contexts-title">Contexts</h1>
        {view && (
          <p className="muted small">
            <code>{view.path}</code> · loaded {formatDateTime(view.loadedAt)}
          </p>
        )}
        <ErrorNotice error={config.error} what="Loading the configuration" />
        {reloadError && (
          <div className="notice notice-error" role="alert">
            <strong>The config file on disk was rejected; the running config stays.</strong>
            <div>{reloadError.message}</div>
          </div>
        )}
        {!view && config.loading && <Loading what="contexts" />}
        {view && (
          <>
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              New context
            </button>
            <ul className="nav-list">
              {view.contexts.map((c) => (
                <li key={c.name}>
                  <a href={hrefFor('contexts', c.name)} aria-current={c.name === selected && !creating ? 'page' : undefined}>
                    <span>{c.name}</span>
                    <span className="muted small">{c.provider ?? `default: ${view.defaultProvider}`}</span>
                  </a>
                </li>
              ))}
              {view.contexts.length === 0 && <li className="muted">No contexts yet: calls use the defaults.</li>}
            </ul>
          </>
        )}
      </section>
      <div className="contexts-editor">
        {view && (creating || exists) && <ContextEditor key={creating ? '\u0000new' : selected} config={view} original={creating ? undefined : selected} />}
        {view && !creating && !exists && (
          <p className="muted empty-hint">{selected ? `There is no context named “${selected}”.` : 'Select a context to edit it, or create a new one.'}</p>
        )}
      </div>
    </div>
  );
}
