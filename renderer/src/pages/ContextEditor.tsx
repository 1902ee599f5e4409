import type { ConfigIssue, ConfigView } from '../api/contract';
import { FieldIssues } from './context/FieldIssues';
import { ContextToolsField } from './context/ContextToolsField';
import { ContextFailoverField } from './context/ContextFailoverField';
import { ContextPromptField } from './context/ContextPromptField';
import { ContextEditorActions } from './context/ContextEditorActions';
import { useContextForm } from './context/use-context-form';
import { useApp } from '../stores/react';
import { ErrorNotice } from '../components/ErrorNotice';
import { DialplanSnippet } from '../components/DialplanSnippet';
import { issuesByField, type ContextForm, type FieldKey } from './context-form';

export function ContextEditor({ config, original }: { config: ConfigView; original: string | undefined }) {
  const catalog = useApp('config', (s) => s.catalog.data);
  const { form, edit, issues, error, status, changedOnDisk, dirty, nameOk, nameTaken, save, remove, discard } = useContextForm(config, original);
  const set = <K extends keyof ContextForm>(k: K, v: ContextForm[K]) => edit({ [k]: v } as Partial<ContextForm>);

  const localIssues: ConfigIssue[] = [];
  if (!nameOk) localIssues.push({ path: 'name', message: 'use 1–64 letters, digits, _ and - only' });
  if (nameTaken) localIssues.push({ path: 'name', message: `a context named "${form.name}" already exists` });
  const { byField, other } = issuesByField([...localIssues, ...issues], form.name);
  const describedBy = (f: FieldKey) => (byField[f]?.length ? `ctx-${f}-issues` : undefined);

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
      <ContextPromptField prompt={form.prompt} greeting={form.greeting} preCallLookup={!!config.preCallLookup} issues={byField.prompt} onPrompt={(v) => set('prompt', v)} />
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
        onVoicemail={(mailbox, options) => edit({ voicemailMailbox: mailbox, voicemailOptions: options })}
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
      <ContextEditorActions
        original={original}
        name={form.name}
        destination={form.destination}
        status={status}
        canSave={dirty && nameOk && !nameTaken}
        dirty={dirty}
        onDiscard={discard}
        onRemove={() => void remove()}
      />
      {nameOk && (
        <section aria-label="FreePBX dialplan" className="subsection">
          <h3>Route calls to this context</h3>
          <DialplanSnippet context={form.name} appName={config.appName} defaultTransport={config.audioTransport} />
        </section>
      )}
    </form>
  );
}
