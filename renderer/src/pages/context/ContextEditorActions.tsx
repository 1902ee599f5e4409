import { useState } from 'react';
import { navigate } from '../../components/router';
import type { EditorStatus } from './use-context-form';

/** Save, Discard changes, Test this context (on the softphone) and Delete with its confirmation. */
export function ContextEditorActions(p: {
  original: string | undefined;
  name: string;
  destination: string;
  status: EditorStatus;
  canSave: boolean;
  dirty: boolean;
  onDiscard(): void;
  onRemove(): void;
}) {
  const [confirmDelete, setConfirmDelete] = useState(false);
  const destination = p.destination.trim();
  return (
    <div className="actions">
      <button type="submit" className="btn btn-primary" disabled={!p.canSave || p.status === 'saving'}>
        {p.status === 'saving' ? 'Saving…' : 'Save'}
      </button>
      <button type="button" className="btn" disabled={!p.dirty} onClick={p.onDiscard}>
        Discard changes
      </button>
      <button
        type="button"
        className="btn"
        disabled={!destination}
        title={destination ? undefined : 'Set a destination number first'}
        onClick={() => navigate('softphone', undefined, { destination, context: p.name })}
      >
        Test this context
      </button>
      {p.original &&
        (confirmDelete ? (
          <>
            <button type="button" className="btn btn-danger" onClick={p.onRemove} disabled={p.status === 'deleting'}>
              Really delete “{p.original}”
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
  );
}
