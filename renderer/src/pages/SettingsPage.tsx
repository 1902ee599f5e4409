import { useEffect, useState } from 'react';
import type { SettingsView } from '../api/contract';
import { useApp, useStores } from '../stores/react';
import type { ActionResult } from '../stores/settings';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { ActionResultView } from '../components/ActionResultView';
import { AriSettings } from './settings/AriSettings';
import { FreepbxSettings } from './settings/FreepbxSettings';
import { SecretField } from './settings/SecretField';
import { WebhookDeadLetters } from './settings/WebhookDeadLetters';

const WELL_KNOWN = ['OPENAI_API_KEY', 'DEEPGRAM_API_KEY'];
const SECRET_RE = /^[A-Z][A-Z0-9_]*$/;

function ProviderKeys({ view }: { view: SettingsView }) {
  const [extra, setExtra] = useState('');
  const [added, setAdded] = useState<string[]>([]);
  const names = [...new Set([...WELL_KNOWN, ...view.secrets.map((s) => s.name), ...added])].filter((n) => n !== view.ari.passwordSecret);
  const extraOk = SECRET_RE.test(extra) && extra.length <= 64;
  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">Provider keys</h2>
      <p className="muted small">Write-only: stored in the engine’s secret store and never shown again. The config refers to them as <code>${'{NAME}'}</code>.</p>
      {names.map((n) => (
        <SecretField key={n} name={n} status={view.secrets.find((s) => s.name === n)} />
      ))}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (extraOk) {
            setAdded((a) => [...a, extra]);
            setExtra('');
          }
        }}
      >
        <label htmlFor="secret-new">Another secret</label>
        <input id="secret-new" value={extra} onChange={(e) => setExtra(e.target.value.toUpperCase())} placeholder="NAME_IN_UPPER_SNAKE_CASE" aria-invalid={extra !== '' && !extraOk} />
        <button type="submit" className="btn btn-small" disabled={!extraOk}>
          Add
        </button>
        {extra !== '' && !extraOk && <span className="field-issues">UPPER_SNAKE_CASE, e.g. OPENAI_API_KEY</span>}
      </form>
    </section>
  );
}

function TransportSettings({ view }: { view: SettingsView }) {
  const stores = useStores();
  const [choice, setChoice] = useState(view.audioTransport);
  const [result, setResult] = useState<ActionResult>();
  useEffect(() => setChoice(view.audioTransport), [view.audioTransport]);
  return (
    <section className="card" aria-labelledby="transport-title">
      <h2 id="transport-title">Audio transport</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void stores.settings.getState().saveTransport(choice).then(setResult);
        }}
      >
        <fieldset className="radio-group">
          <legend className="sr-only">Transport</legend>
          <label className="check">
            <input type="radio" name="transport" value="audiosocket" checked={choice === 'audiosocket'} onChange={() => setChoice('audiosocket')} /> AudioSocket (TCP 8090, slin)
          </label>
          <label className="check">
            <input type="radio" name="transport" value="externalmedia" checked={choice === 'externalmedia'} onChange={() => setChoice('externalmedia')} /> ExternalMedia (RTP over UDP, µ-law)
          </label>
        </fieldset>
        <button type="submit" className="btn btn-primary" disabled={choice === view.audioTransport}>
          Save
        </button>
        <span className="muted small"> New calls use the new transport; calls in progress keep theirs.</span>
      </form>
      <ActionResultView result={result} okText="Saved." what="Saving the transport" />
    </section>
  );
}

export function SettingsPage() {
  const stores = useStores();
  const settings = useApp('settings', (s) => s.settings);
  const rec = useApp('settings', (s) => s.recordings);
  useEffect(() => {
    void stores.settings.getState().load();
    void stores.settings.getState().loadRecordings();
  }, [stores]);
  const view = settings.data;
  return (
    <div className="page settings-page">
      <h1>Settings</h1>
      <ErrorNotice error={settings.error} what="Loading settings" />
      {!view && settings.loading && <Loading what="settings" />}
      <div className="card-grid">
        {view && <AriSettings view={view} />}
        {rec.data ? <FreepbxSettings view={rec.data} /> : (
          <section className="card" aria-labelledby="freepbx-title-na">
            <h2 id="freepbx-title-na">FreePBX Integration</h2>
            {rec.loading && <Loading what="recordings settings" />}
            <ErrorNotice error={rec.error} what="Recordings sync" />
          </section>
        )}
        {view && <ProviderKeys view={view} />}
        {view && <TransportSettings view={view} />}
        <WebhookDeadLetters />
        {view && (
          <section className="card" aria-labelledby="datadir-title">
            <h2 id="datadir-title">Data directory</h2>
            <p>
              <code className="break">{view.dataDir}</code>
            </p>
            <p className="muted small">
              Database, recordings and the secrets file live here. Change it with <code>AI_ENGINE_DATA_DIR</code> or <code>data_dir</code> in the config, then restart.
            </p>
          </section>
        )}
      </div>
    </div>
  );
}
