import { useId, useState } from 'react';
import type { SecretStatus } from '../../api/contract';
import { useStores } from '../../stores/react';
import type { ActionResult } from '../../stores/settings';
import { ActionResultView } from '../../components/ActionResultView';

const SOURCE = { keychain: 'OS keychain', file: 'secrets file (0600)', env: 'environment', unset: 'not set' } as const;

/** A write-only secret: shows whether it is set and where from, never its value. */
export function SecretField({ name, label, status }: { name: string; label?: string; status: SecretStatus | undefined }) {
  const stores = useStores();
  const id = useId();
  const [value, setValue] = useState('');
  const [result, setResult] = useState<ActionResult>();
  const [busy, setBusy] = useState(false);
  const set = async () => {
    setBusy(true);
    const r = await stores.settings.getState().setSecret(name, value);
    setBusy(false);
    setResult(r);
    if (r.ok) setValue('');
  };
  return (
    <div className="secret-field">
      <label htmlFor={id}>
        {label ? (
          <>
            {label} <code className="muted small">{name}</code>
          </>
        ) : (
          <code>{name}</code>
        )}
      </label>
      <span className={`badge ${status?.set ? 'ok' : 'off'}`}>{status?.set ? `set · ${SOURCE[status.source]}` : 'not set'}</span>
      <input
        id={id}
        type="password"
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          setResult(undefined);
        }}
        autoComplete="new-password"
        placeholder={status?.set ? 'enter a new value to replace it' : 'enter the value'}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && value) {
            e.preventDefault();
            void set();
          }
        }}
      />
      <button type="button" className="btn btn-small" disabled={!value || busy} onClick={() => void set()}>
        Set
      </button>
      {status?.set && status.source !== 'env' && (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void stores.settings
              .getState()
              .deleteSecret(name)
              .then((r) => {
                setBusy(false);
                setResult(r);
              });
          }}
        >
          Clear
        </button>
      )}
      <ActionResultView result={result} okText="Stored. The value is not shown again." what={`Storing ${name}`} />
    </div>
  );
}
