import { useEffect, useState } from 'react';
import { useApp, useStores } from '../../stores/react';
import type { ActionResult } from '../../stores/settings';
import { ErrorNotice, Loading } from '../../components/ErrorNotice';
import { ActionResultView } from '../../components/ActionResultView';
import { formatDateTime } from '../../components/format';
import { hrefFor } from '../../components/router';

/** Settings → Webhooks: the post-call queue, and documents that were never accepted (resend one to try again). */
export function WebhookDeadLetters() {
  const stores = useStores();
  const res = useApp('settings', (s) => s.webhooks);
  const [result, setResult] = useState<ActionResult>();
  const [busy, setBusy] = useState<number | undefined>();
  useEffect(() => {
    void stores.settings.getState().loadWebhooks();
  }, [stores]);
  const q = res.data;
  return (
    <section className="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Post-call webhook</h2>
      <ErrorNotice error={res.error} what="Loading the webhook queue" />
      {!q && res.loading && <Loading what="the webhook queue" />}
      {q && (
        <>
          <p className="muted small">
            {q.configured ? 'Each finished call is sent to webhooks.post_call.url, retried with backoff until accepted.' : 'Not configured: set webhooks.post_call.url in the config to send each finished call.'}{' '}
            <span className="num">
              {q.delivered} delivered · {q.pending} waiting · {q.dead} failed
            </span>
          </p>
          {q.deadLetters.length === 0 ? (
            <p className="muted">No failed deliveries.</p>
          ) : (
            <table className="data-table auto">
              <caption>Failed deliveries (dead letters)</caption>
              <thead>
                <tr>
                  <th scope="col">Call</th>
                  <th scope="col">Created</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                  <th scope="col">
                    <span className="sr-only">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {q.deadLetters.map((d) => (
                  <tr key={d.id}>
                    <td>{d.callId ? <a href={hrefFor('history', d.callId)}>{d.callId.slice(0, 8)}</a> : '—'}</td>
                    <td>{formatDateTime(d.createdAt)}</td>
                    <td className="num">{d.attempts}</td>
                    <td title={d.url}>{d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—')}</td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={busy === d.id}
                        onClick={() => {
                          setBusy(d.id);
                          void stores.settings
                            .getState()
                            .resendWebhook(d.id)
                            .then((r) => {
                              setResult(r);
                              setBusy(undefined);
                            });
                        }}
                      >
                        {busy === d.id ? 'Resending…' : 'Resend'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <ActionResultView result={result} okText="Queued again: it is being sent now." what="Resending the webhook" />
        </>
      )}
    </section>
  );
}
