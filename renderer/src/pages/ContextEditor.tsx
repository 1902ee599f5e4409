import { useEffect, useMemo, useRef, useState } from 'react';
import type { ConfigIssue, ConfigView } from '../api/contract';
import { FieldIssues } from './context/FieldIssues';
import { ContextToolsField } from './context/ContextToolsField';
import { ContextFailoverField } from './context/ContextFailoverField';
import type { ApiError } from '../api/errors';
import { useApp, useStores } from '../stores/react';
import { ErrorNotice } from '../components/ErrorNotice';
import { DialplanSnippet } from '../components/DialplanSnippet';
import { navigate } from '../components/router';
import { formFrom, insertAt, issuesByField, NAME_RE, PROMPT_VARIABLES, sameForm, toInput, unknownVariables, type ContextForm, type FieldKey } from './context-form';

export function ContextEditor({ config, original }: { config: ConfigView; original: string | undefined }) {
  const stores = useStores();
  const catalog = useApp('config', (s) => s.catalog.data);
  const ctxView = config.contexts.find((c) => c.name === original);
  // Keyed on content: a config reload that leaves this context as it was changes nothing here.
  const initialKey = JSON.stringify(formFrom(ctxView));
  const initial = useMemo(() => JSON.parse(initialKey) as ContextForm, [initialKey]);
  const [form, setForm] = useState<ContextForm>(initial);
  const [issues, setIssues] = useState<ConfigIssue[]>([]);
  const [error, setError] = useState<ApiError | undefined>();
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved' | 'deleting'>('idle');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [changedOnDisk, setChangedOnDisk] = useState(false);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const reqSeq = useRef(0);
  const prevInitial = useRef(initial);
  const formRef = useRef(form);
  formRef.current = form;
  useEffect(() => {
    const prev = prevInitial.current;
    prevInitial.current = initial;
    if (prev === initial) return;
    // The file changed underneath (our own save, another editor, a reload): adopt it unless the user has other unsaved edits.
    const f = formRef.current;
    if (sameForm(f, initial) || sameForm(f, prev)) {
      setForm(initial);
      setChangedOnDisk(false);
    } else setChangedOnDisk(true);
  }, [initial]);

  const dirty = !sameForm(form, initial);
  const nameOk = NAME_RE.test(form.name);
  const nameTaken = form.name !== original && config.contexts.some((c) => c.name === form.name);

  // Validate as the user types (debounced), so errors with their YAML path show before Save.
  useEffect(() => {
    if (!dirty || !nameOk) return undefined;
    const t = setTimeout(() => {
      const seq = ++reqSeq.current;
      void stores.config
        .getState()
        .validate(form.name, toInput(form))
        .then((r) => {
          if (seq !== reqSeq.current) return; // a newer validate or save answered already
          setIssues(r.ok ? [] : r.issues);
          setError(r.ok ? undefined : r.error && r.issues.length === 0 ? r.error : undefined);
        });
    }, 350);
    return () => clearTimeout(t);
  }, [form, dirty, nameOk, stores]);

  const set = <K extends keyof ContextForm>(k: K, v: ContextForm[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setStatus('idle');
  };

  const localIssues: ConfigIssue[] = [];
  if (!nameOk) localIssues.push({ path: 'name', message: 'use 1–64 letters, digits, _ and - only' });
  if (nameTaken) localIssues.push({ path: 'name', message: `a context named "${form.name}" already exists` });
  const { byField, other } = issuesByField([...localIssues, ...issues], form.name);
  const unknownVars = unknownVariables(`${form.greeting}\n${form.prompt}`);
  const describedBy = (f: FieldKey) => (byField[f]?.length ? `ctx-${f}-issues` : undefined);

  const save = async () => {
    setStatus('saving');
    ++reqSeq.current;
    const r = await stores.config.getState().save(form.name, toInput(form), original);
    if (r.ok) {
      setIssues([]);
      setError(undefined);
      setChangedOnDisk(false);
      setStatus('saved');
      if (form.name !== original) navigate('contexts', form.name);
    } else {
      setIssues(r.issues);
      setError(r.error && r.issues.length === 0 ? r.error : undefined);
      setStatus('idle');
    }
  };

  const remove = async () => {
    if (!original) return;
    setStatus('deleting');
    const r = await stores.config.getState().remove(original);
    setStatus('idle');
    if (r.ok) navigate('contexts');
    else {
      setIssues(r.issues);
      setError(r.error);
    }
  };

  const insertVar = (token: string) => {
    const el = promptRef.current;
    const start = el?.selectionStart ?? form.prompt.length;
    const end = el?.selectionEnd ?? form.prompt.length;
    const r = insertAt(form.prompt, start, end, token);
    set('prompt', r.text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(r.caret, r.caret);
    });
  };

  const providers = config.providers;
  return (
    <form
      className="panel editor"
      aria-labelledby="ctx-editor-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="panel-head">
        <h2 id="ctx-editor-title">{original ? `Context “${original}”` : 'New context'}</h2>
        <span className="muted small" aria-live="polite">
          {status === 'saved' ? `Saved to ${config.path}` : dirty ? 'Unsaved changes' : ''}
        </span>
      </div>
      <div className="field">
        <label htmlFor="ctx-name">Name</label>
        <input id="ctx-name" value={form.name} onChange={(e) => set('name', e.target.value)} aria-invalid={!!byField.name} aria-describedby={describedBy('name')} autoComplete="off" spellCheck={false} />
        <FieldIssues id="ctx-name-issues" issues={byField.name} />
      </div>
      <div className="field">
        <label htmlFor="ctx-greeting">Greeting</label>
        <textarea id="ctx-greeting" rows={2} value={form.greeting} onChange={(e) => set('greeting', e.target.value)} aria-invalid={!!byField.greeting} aria-describedby={describedBy('greeting')} placeholder="Inherits the provider’s or llm.initial_greeting when empty" />
        <FieldIssues id="ctx-greeting-issues" issues={byField.greeting} />
      </div>
      <div className="field">
        <label htmlFor="ctx-prompt">Prompt</label>
        <div className="var-hints" role="group" aria-label="Insert a variable">
          <span className="muted small">Variables:</span>
          {PROMPT_VARIABLES.map((v) => (
            <button key={v.token} type="button" className="btn btn-small btn-ghost" title={v.help} onClick={() => insertVar(v.token)}>
              {v.token}
            </button>
          ))}
        </div>
        <textarea id="ctx-prompt" ref={promptRef} rows={12} className="mono" value={form.prompt} onChange={(e) => set('prompt', e.target.value)} aria-invalid={!!byField.prompt} aria-describedby={describedBy('prompt')} placeholder="Inherits llm.prompt when empty" spellCheck />
        <FieldIssues id="ctx-prompt-issues" issues={byField.prompt} />
        {unknownVars.length > 0 &&
          (config.preCallLookup ? (
            <p className="muted small">
              {unknownVars.join(', ')} {unknownVars.length === 1 ? 'comes' : 'come'} from the pre-call lookup; without a value the greeting leaves {unknownVars.length === 1 ? 'it' : 'them'} out (or says the fallback in <code>{'{name|fallback}'}</code>).
            </p>
          ) : (
            <p className="warn-text small">
              {unknownVars.join(', ')} {unknownVars.length === 1 ? 'is' : 'are'} not a known variable and will be spoken as written (set webhooks.pre_call to fill variables from your CRM).
            </p>
          ))}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="ctx-provider">Provider or pipeline</label>
          <input
            id="ctx-provider"
            list="ctx-provider-options"
            value={form.provider}
            onChange={(e) => set('provider', e.target.value.trim())}
            aria-invalid={!!byField.provider}
            aria-describedby={describedBy('provider')}
            placeholder={`default: ${config.defaultProvider}`}
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id="ctx-provider-options">
            {providers.map((p) => (
              <option key={p.name} value={p.name}>
                {`${p.kind}: ${p.type}`}
              </option>
            ))}
          </datalist>
          <span className="muted small">
            Configured: {providers.map((p) => p.name).join(', ') || 'none'}. Empty uses the default ({config.defaultProvider}).
          </span>
          <FieldIssues id="ctx-provider-issues" issues={byField.provider} />
        </div>
        <div className="field">
          <label htmlFor="ctx-destination">Destination number</label>
          <input id="ctx-destination" value={form.destination} onChange={(e) => set('destination', e.target.value)} aria-invalid={!!byField.destination} aria-describedby={describedBy('destination')} placeholder="e.g. 7001" inputMode="tel" />
          <FieldIssues id="ctx-destination-issues" issues={byField.destination} />
        </div>
      </div>
      <ContextToolsField
        config={config}
        catalog={catalog}
        tools={form.tools}
        onTools={(tools) => set('tools', tools)}
        mailbox={form.voicemailMailbox}
        options={form.voicemailOptions}
        onVoicemail={(mailbox, options) => {
          setForm((f) => ({ ...f, voicemailMailbox: mailbox, voicemailOptions: options }));
          setStatus('idle');
        }}
        toolIssues={byField.tools}
        voicemailIssues={byField.voicemail}
      />
      <ContextFailoverField config={config} value={form.failover} onChange={(v) => set('failover', v)} issues={byField.failover} />
      {other.length > 0 && (
        <div className="notice notice-error" role="alert">
          <strong>The configuration would not be valid:</strong>
          <FieldIssues id="ctx-other-issues" issues={other} />
        </div>
      )}
      <ErrorNotice error={error} what="Saving the context" />
      {changedOnDisk && (
        <div className="notice notice-info" role="status">
          This context changed in the config file while you were editing. Save to keep your version, or Discard changes to load the file’s.
        </div>
      )}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={!dirty || !nameOk || nameTaken || status === 'saving'}>
          {status === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!dirty}
          onClick={() => {
            setForm(initial);
            setChangedOnDisk(false);
          }}
        >
          Discard changes
        </button>
        <button
          type="button"
          className="btn"
          disabled={!form.destination.trim()}
          title={form.destination.trim() ? undefined : 'Set a destination number first'}
          onClick={() => navigate('softphone', undefined, { destination: form.destination.trim(), context: form.name })}
        >
          Test this context
        </button>
        {original &&
          (confirmDelete ? (
            <>
              <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={status === 'deleting'}>
                Really delete “{original}”
              </button>
              <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-danger-ghost" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          ))}
      </div>
      {nameOk && (
        <section aria-label="FreePBX dialplan" className="subsection">
          <h3>Route calls to this context</h3>
          <DialplanSnippet context={form.name} appName={config.appName} defaultTransport={config.audioTransport} />
        </section>
      )}
    </form>
  );
}
