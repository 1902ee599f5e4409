import { useEffect, useState } from 'react';
import type { ConnectionDiagnosis, RecordingsSettingsView } from '../../api/contract';
import { useApp, useStores } from '../../stores/react';
import type { ActionResult } from '../../stores/settings';
import { ActionResultView, DiagnosisView } from '../../components/ActionResultView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SyncProgressBar } from '../../components/SyncProgressBar';
import { hrefFor } from '../../components/router';

interface Form {
  enabled: boolean;
  /** Host, port, user, password and TLS are the engine's ARI connection (asterisk.*). */
  same: boolean;
  host: string;
  port: string;
  username: string;
  password: string;
  tls: boolean;
  intervalMinutes: string;
  trustFingerprint: string;
}

const fromView = (v: RecordingsSettingsView): Form => ({
  enabled: v.enabled,
  same: v.sameAsEngine === true,
  host: v.host,
  port: String(v.port),
  username: v.username,
  password: '',
  tls: v.tls,
  intervalMinutes: String(v.intervalMinutes),
  trustFingerprint: v.trustFingerprint ?? '',
});

/** Settings → FreePBX Integration, as in the FreePBX ARI recordings guide: host, port, user, password, TLS, interval; Test, Save, Sync. */
export function FreepbxSettings({ view }: { view: RecordingsSettingsView }) {
  const stores = useStores();
  const [form, setForm] = useState<Form>(() => fromView(view));
  const [saved, setSaved] = useState<ActionResult>();
  const [test, setTest] = useState<ActionResult<ConnectionDiagnosis>>();
  const [busy, setBusy] = useState<'save' | 'test' | undefined>();
  const syncing = useApp('recordings', (s) => s.syncing);
  const progress = useApp('recordings', (s) => s.progress);
  const syncError = useApp('recordings', (s) => s.syncError);
  useEffect(() => setForm(fromView(view)), [view]);
  const port = Number(form.port);
  const interval = Number(form.intervalMinutes);
  const portOk = Number.isInteger(port) && port >= 1 && port <= 65535;
  const intervalOk = Number.isInteger(interval) && interval >= 1 && interval <= 1440;
  const valid = intervalOk && (form.same || (portOk && form.host.trim() !== '' && form.username.trim() !== ''));
  const input = () => ({
    enabled: form.enabled,
    ...(form.same
      ? { host: '', username: '' }
      : { host: form.host.trim(), port, username: form.username.trim(), tls: form.tls, ...(form.password ? { password: form.password } : {}) }),
    intervalMinutes: interval,
    ...(form.trustFingerprint ? { trustFingerprint: form.trustFingerprint } : {}),
  });
  const upd = (k: 'intervalMinutes') => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <section className="card" aria-labelledby="freepbx-title">
      <h2 id="freepbx-title">FreePBX Integration</h2>
      <p className="muted small">Downloads call recordings over ARI (ari.conf user with read access; port 8088 for HTTP, 8089 for HTTPS).</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy('save');
          void stores.settings
            .getState()
            .saveRecordings(input())
            .then((r) => {
              setSaved(r);
              setBusy(undefined);
              if (r.ok) setForm((f) => ({ ...f, password: '' }));
            });
        }}
      >
        <div className="grid-form">
          <label htmlFor="fp-enabled">Sync recordings</label>
          <label className="check">
            <input id="fp-enabled" type="checkbox" checked={form.enabled} onChange={(e) => setForm((f) => ({ ...f, enabled: e.target.checked }))} /> enabled
          </label>
          <label htmlFor="fp-same">ARI login</label>
          <span>
            <label className="check">
              <input id="fp-same" type="checkbox" checked={form.same} onChange={(e) => setForm((f) => ({ ...f, same: e.target.checked }))} /> same as the engine&apos;s ARI connection
            </label>
            <span className="muted small block" data-testid="fp-login-summary">
              {form.same
                ? `${view.username}@${view.host}:${view.port}${view.tls ? ' (HTTPS)' : ''}, from Settings → Asterisk ARI connection`
                : 'A separate user is safer: an ari.conf user with read_only = yes is enough to sync.'}
            </span>
          </span>
          {!form.same && <LoginFields form={form} setForm={setForm} portOk={portOk} passwordSet={view.passwordSet} />}
          <label htmlFor="fp-interval">Sync interval</label>
          <span>
            <input id="fp-interval" value={form.intervalMinutes} onChange={upd('intervalMinutes')} inputMode="numeric" aria-invalid={!intervalOk} size={5} /> minutes
          </span>
        </div>
        {!form.same && !portOk && <p className="field-issues">Port must be a whole number from 1 to 65535.</p>}
        {!intervalOk && <p className="field-issues">Sync interval must be 1–1440 minutes.</p>}
        <div className="actions">
          <button
            type="button"
            className="btn"
            disabled={busy !== undefined || !valid}
            onClick={() => {
              setBusy('test');
              void stores.settings
                .getState()
                .testRecordings(input())
                .then((r) => {
                  setTest(r);
                  setBusy(undefined);
                });
            }}
          >
            {busy === 'test' ? 'Testing…' : 'Test Connection'}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy !== undefined || !valid}>
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="btn" disabled={syncing} onClick={() => void stores.recordings.getState().syncNow()}>
            {syncing ? 'Syncing…' : 'Sync FreePBX'}
          </button>
          <a href={hrefFor('recordings')}>Open recordings</a>
        </div>
      </form>
      {test?.ok === true && <TestResult diagnosis={test.value} trusted={form.trustFingerprint} onTrust={(fp) => setForm((f) => ({ ...f, trustFingerprint: fp }))} />}
      {test?.ok === false && <ActionResultView result={test} okText="" what="Test Connection" />}
      <ActionResultView result={saved} okText="Saved." what="Saving FreePBX settings" />
      <ErrorNotice error={syncError} what="Sync" />
      <SyncProgressBar progress={progress} />
    </section>
  );
}

type SetForm = (update: (f: Form) => Form) => void;

/** The separate ARI login: host, port, user, password (write-only) and TLS. */
function LoginFields({ form, setForm, portOk, passwordSet }: { form: Form; setForm: SetForm; portOk: boolean; passwordSet: boolean }) {
  const upd = (k: 'host' | 'port' | 'username' | 'password') => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <>
      <label htmlFor="fp-host">Host</label>
      <input id="fp-host" value={form.host} onChange={upd('host')} placeholder="FreePBX IP or name" required />
      <label htmlFor="fp-port">Port</label>
      <input id="fp-port" value={form.port} onChange={upd('port')} inputMode="numeric" aria-invalid={!portOk} size={6} required />
      <label htmlFor="fp-user">Username</label>
      <input id="fp-user" value={form.username} onChange={upd('username')} autoComplete="off" required />
      <label htmlFor="fp-password">Password</label>
      <input
        id="fp-password"
        type="password"
        value={form.password}
        onChange={upd('password')}
        autoComplete="new-password"
        placeholder={passwordSet ? 'stored; type to replace' : 'ARI user password'}
      />
      <label htmlFor="fp-tls">Use TLS</label>
      <label className="check">
        <input
          id="fp-tls"
          type="checkbox"
          checked={form.tls}
          onChange={(e) => {
            const tls = e.target.checked;
            // The guide's ports: follow the usual pair when the user has not picked another one.
            setForm((f) => ({ ...f, tls, port: f.port === '8088' && tls ? '8089' : f.port === '8089' && !tls ? '8088' : f.port }));
          }}
        />{' '}
        HTTPS (usually port 8089)
      </label>
    </>
  );
}

/** A Test Connection that reached a verdict, with "Trust this certificate" when TLS stopped it. */
function TestResult({ diagnosis: d, trusted, onTrust }: { diagnosis: ConnectionDiagnosis; trusted: string; onTrust(fingerprint: string): void }) {
  return (
    <>
      <DiagnosisView
        ok={d.ok}
        title={d.ok ? `Connected${d.recordingsListed !== undefined ? `: ${d.recordingsListed} recordings listed` : ''}.` : `Failed: ${d.cause.replace(/_/g, ' ')}.`}
        message={d.message}
        fix={d.fix}
      />
      {d.certificateFingerprint && (d.cause === 'tls_untrusted' || d.cause === 'tls_changed') && (
        <div className="notice notice-info">
          Certificate SHA-256 <code className="mono small break">{d.certificateFingerprint}</code>
          <button type="button" className="btn btn-small" onClick={() => onTrust(d.certificateFingerprint ?? '')}>
            Trust this certificate
          </button>
          {trusted === d.certificateFingerprint && <span className="ok-text"> Trusted for this form: Test again, then Save.</span>}
        </div>
      )}
    </>
  );
}
