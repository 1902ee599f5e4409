import type { ActionResult } from '../stores/settings';
import { ErrorNotice } from './ErrorNotice';

/** Inline outcome of a Save/Test button: a short success line, or the API error with its path. */
export function ActionResultView({ result, okText, what }: { result: ActionResult | undefined; okText: string; what: string }) {
  if (!result) return null;
  if (result.ok)
    return (
      <p className="ok-text" role="status">
        {okText}
      </p>
    );
  return <ErrorNotice error={result.error} what={what} />;
}

export function DiagnosisView({ ok, message, fix, title }: { ok: boolean; message: string; fix?: string | undefined; title?: string | undefined }) {
  return (
    <div className={`notice ${ok ? 'notice-ok' : 'notice-error'}`} role={ok ? 'status' : 'alert'}>
      <strong>{title ?? (ok ? 'Connection works.' : 'Connection failed.')}</strong> {message}
      {fix && (
        <div className="fix">
          <strong>Fix:</strong> <span className="pre-wrap">{fix}</span>
        </div>
      )}
    </div>
  );
}
