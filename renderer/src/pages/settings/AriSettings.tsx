import { useEffect, useState } from 'react';
import type { SettingsView } from '../../api/contract';
import { useStores } from '../../stores/react';
import type { ActionResult } from '../../stores/settings';
import { ActionResultView, DiagnosisView } from '../../components/ActionResultView';
import { SecretField } from './SecretField';

export function AriSettings({ view }: { view: SettingsView }) {
  const stores = useStores();
  const [form, setForm] = useState({ ...view.ari, port: String(view.ari.port) });
  const [saved, setSaved] = useState<ActionResult>();
  const [test, setTest] = useState<ActionResult<{ ok: boolean; message: string; fix?: string }>>();
  const [busy, setBusy] = useState<'save' | 'test' | undefined>();
  useEffect(() => setForm({ ...view.ari, port: String(view.ari.port) }), [view.ari]);
  const port = Number(form.port);
  const portOk = Number.isInteger(port) && port >= 1 && port <= 65535;
  const upd = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const secret = view.secrets.find((s) => s.name === view.ari.passwordSecret);
  return (
    <section className="card" aria-labelledby="ari-title">
      <h2 id="ari-title">Asterisk ARI connection</h2>
      <p className="muted small">The engine’s Stasis app connects here (ari.conf user, http.conf port).</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy('save');
          void stores.settings
            .getState()
            .saveAri({ host: form.host.trim(), port, scheme: form.scheme, username: form.username.trim(), appName: form.appName.trim() })
            .then((r) => {
              setSaved(r);
              setBusy(undefined);
            });
        }}
      >
        <div className="grid-form">
          <label htmlFor="ari-host">Host</label>
          <input id="ari-host" value={form.host} onChange={upd('host')} required />
          <label htmlFor="ari-port">Port</label>
          <input id="ari-port" value={form.port} onChange={upd('port')} inputMode="numeric" aria-invalid={!portOk} required size={6} />
          <label htmlFor="ari-scheme">Scheme</label>
          <select id="ari-scheme" value={form.scheme} onChange={upd('scheme')}>
            <option value="http">http</option>
            <option value="https">https</option>
          </select>
          <label htmlFor="ari-user">Username</label>
          <input id="ari-user" value={form.username} onChange={upd('username')} required autoComplete="off" />
          <label htmlFor="ari-app">Stasis app name</label>
          <input id="ari-app" value={form.appName} onChange={upd('appName')} required />
        </div>
        {!portOk && <p className="field-issues">Port must be a whole number from 1 to 65535.</p>}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={!portOk || busy !== undefined}>
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy !== undefined}
            onClick={() => {
              setBusy('test');
              void stores.settings
                .getState()
                .testAri()
                .then((r) => {
                  setTest(r);
                  setBusy(undefined);
                });
            }}
          >
            {busy === 'test' ? 'Testing…' : 'Test Connection'}
          </button>
        </div>
      </form>
      <ActionResultView result={saved} okText="Saved. The engine reconnects with the new settings." what="Saving ARI settings" />
      {test && (test.ok ? <DiagnosisView ok={test.value.ok} message={test.value.message} fix={test.value.fix} /> : <ActionResultView result={test} okText="" what="Testing ARI" />)}
      <SecretField name={view.ari.passwordSecret} label="ARI password" status={secret} />
    </section>
  );
}
