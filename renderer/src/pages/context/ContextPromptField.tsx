import { useRef } from 'react';
import type { ConfigIssue } from '../../api/contract';
import { FieldIssues } from './FieldIssues';
import { insertAt, PROMPT_VARIABLES, unknownVariables } from '../context-form';

/** The prompt with its variable buttons (inserted at the caret) and a note on variables no one fills. */
export function ContextPromptField(p: { prompt: string; greeting: string; preCallLookup: boolean; issues: ConfigIssue[] | undefined; onPrompt(prompt: string): void }) {
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const unknownVars = unknownVariables(`${p.greeting}\n${p.prompt}`);
  const insertVar = (token: string) => {
    const el = promptRef.current;
    const start = el?.selectionStart ?? p.prompt.length;
    const end = el?.selectionEnd ?? p.prompt.length;
    const r = insertAt(p.prompt, start, end, token);
    p.onPrompt(r.text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(r.caret, r.caret);
    });
  };
  return (
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
      <textarea id="ctx-prompt" ref={promptRef} rows={12} className="mono" value={p.prompt} onChange={(e) => p.onPrompt(e.target.value)} aria-invalid={!!p.issues} aria-describedby={p.issues?.length ? 'ctx-prompt-issues' : undefined} placeholder="Inherits llm.prompt when empty" spellCheck />
      <FieldIssues id="ctx-prompt-issues" issues={p.issues} />
      {unknownVars.length > 0 &&
        (p.preCallLookup ? (
          <p className="muted small">
            {unknownVars.join(', ')} {unknownVars.length === 1 ? 'comes' : 'come'} from the pre-call lookup; without a value the greeting leaves {unknownVars.length === 1 ? 'it' : 'them'} out (or says the fallback in <code>{'{name|fallback}'}</code>).
          </p>
        ) : (
          <p className="warn-text small">
            {unknownVars.join(', ')} {unknownVars.length === 1 ? 'is' : 'are'} not a known variable and will be spoken as written (set webhooks.pre_call to fill variables from your CRM).
          </p>
        ))}
    </div>
  );
}
