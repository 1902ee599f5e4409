import type { ConfigIssue, ConfigView, ToolCatalogView } from '../../api/contract';
import { FieldIssues } from './FieldIssues';

interface Props {
  config: ConfigView;
  /** tools.catalog (descriptions, each MCP server's tools); undefined while loading or without the call engine. */
  catalog: ToolCatalogView | undefined;
  tools: string[];
  onTools(tools: string[]): void;
  mailbox: string;
  options: string;
  onVoicemail(mailbox: string, options: string): void;
  toolIssues: ConfigIssue[] | undefined;
  voicemailIssues: ConfigIssue[] | undefined;
}

const BUILTIN = ['transfer', 'hangup', 'voicemail'];

function ToolCheck({ name, label, description, checked, note, onChange }: { name: string; label?: string; description?: string | undefined; checked: boolean; note?: string; onChange(on: boolean): void }) {
  return (
    <label className="check tool-check" title={description}>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> <code>{label ?? name}</code>
      {note && <span className="muted small"> {note}</span>}
      {description && <span className="muted small tool-desc">{description}</span>}
    </label>
  );
}

/** The tools a context may use (built-in, HTTP, MCP), and the voicemail box when the voicemail tool is on. */
export function ContextToolsField(p: Props) {
  const desc = (name: string) => p.catalog?.tools.find((t) => t.name === name)?.description;
  const has = (t: string) => p.tools.includes(t);
  const toggle = (t: string, on: boolean) => p.onTools(on ? [...p.tools, t] : p.tools.filter((x) => x !== t));
  const http = p.config.tools.filter((t) => !BUILTIN.includes(t) && !t.includes('.'));
  const servers = p.config.tools.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -2));
  const offered = new Set([...p.config.tools, ...(p.catalog?.tools.map((t) => t.name) ?? [])]);
  const unknown = p.tools.filter((t) => !offered.has(t));
  const showVoicemail = has('voicemail') || p.mailbox.trim() !== '';
  return (
    <>
      <fieldset className="field" aria-describedby={p.toolIssues?.length ? 'ctx-tools-issues' : undefined}>
        <legend>Tools the agent may use</legend>
        <div role="group" aria-label="Built-in tools">
          {BUILTIN.map((t) => (
            <ToolCheck key={t} name={t} description={desc(t)} checked={has(t)} onChange={(on) => toggle(t, on)} />
          ))}
        </div>
        {http.length > 0 && (
          <div role="group" aria-label="HTTP tools" className="tool-group">
            <span className="muted small">HTTP (tools.http)</span>
            {http.map((t) => (
              <ToolCheck key={t} name={t} description={desc(t)} checked={has(t)} onChange={(on) => toggle(t, on)} />
            ))}
          </div>
        )}
        {servers.map((s) => {
          const st = p.catalog?.mcpServers.find((x) => x.name === s);
          return (
            <div key={s} role="group" aria-label={`MCP server ${s}`} className="tool-group">
              <span className="muted small">
                MCP server <code>{s}</code>{' '}
                {st && <span className={`badge ${st.state === 'ready' ? 'ok' : st.state === 'failed' ? 'outcome-error' : 'off'}`}>{st.state}</span>}
                {st?.error && <span className="warn-text"> {st.error}</span>}
              </span>
              <ToolCheck name={`${s}.*`} note="every tool of this server" checked={has(`${s}.*`)} onChange={(on) => toggle(`${s}.*`, on)} />
              {st?.tools.map((t) => (
                <ToolCheck key={t.name} name={`${s}.${t.name}`} description={t.description} checked={has(`${s}.${t.name}`)} note={has(`${s}.*`) ? '(included)' : undefined} onChange={(on) => toggle(`${s}.${t.name}`, on)} />
              ))}
            </div>
          );
        })}
        {unknown.map((t) => (
          <label key={t} className="check warn-text">
            <input type="checkbox" checked onChange={() => toggle(t, false)} /> {t} (unknown)
          </label>
        ))}
        <FieldIssues id="ctx-tools-issues" issues={p.toolIssues} />
      </fieldset>
      {showVoicemail && (
        <div className="field-row">
          <div className="field">
            <label htmlFor="ctx-vm-mailbox">Voicemail mailbox</label>
            <input id="ctx-vm-mailbox" value={p.mailbox} onChange={(e) => p.onVoicemail(e.target.value, p.options)} placeholder="e.g. 2000@default" aria-invalid={!!p.voicemailIssues?.length} aria-describedby={p.voicemailIssues?.length ? 'ctx-voicemail-issues' : undefined} autoComplete="off" spellCheck={false} />
            <span className="muted small">The voicemail tool sends callers to VoiceMail() of this box, after the agent’s last sentence.</span>
            <FieldIssues id="ctx-voicemail-issues" issues={p.voicemailIssues} />
          </div>
          <div className="field">
            <label htmlFor="ctx-vm-options">VoiceMail options</label>
            <input id="ctx-vm-options" value={p.options} onChange={(e) => p.onVoicemail(p.mailbox, e.target.value)} placeholder="u" size={6} spellCheck={false} />
            <span className="muted small">u: unavailable greeting, b: busy greeting, s: skip the instructions.</span>
          </div>
        </div>
      )}
    </>
  );
}
