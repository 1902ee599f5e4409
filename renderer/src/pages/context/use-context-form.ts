/**
 * The state of the context editor: the form, kept in step with the config file (adopted when the file changes
 * under an unedited form, flagged when it changes under edits), validated as the user types (debounced), saved
 * and deleted through the config store.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ConfigIssue, ConfigView } from '../../api/contract';
import type { ApiError } from '../../api/errors';
import { useStores } from '../../stores/react';
import { navigate } from '../../components/router';
import { formFrom, sameForm, toInput, NAME_RE, type ContextForm } from '../context-form';

export type EditorStatus = 'idle' | 'saving' | 'saved' | 'deleting';

export function useContextForm(config: ConfigView, original: string | undefined) {
  const stores = useStores();
  const ctxView = config.contexts.find((c) => c.name === original);
  // Keyed on content: a config reload that leaves this context as it was changes nothing here.
  const initialKey = JSON.stringify(formFrom(ctxView));
  const initial = useMemo(() => JSON.parse(initialKey) as ContextForm, [initialKey]);
  const [form, setForm] = useState<ContextForm>(initial);
  const [issues, setIssues] = useState<ConfigIssue[]>([]);
  const [error, setError] = useState<ApiError | undefined>();
  const [status, setStatus] = useState<EditorStatus>('idle');
  const [changedOnDisk, setChangedOnDisk] = useState(false);
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

  /** Edits fields of the form (any save state becomes idle). */
  const edit = (p: Partial<ContextForm>) => {
    setForm((f) => ({ ...f, ...p }));
    setStatus('idle');
  };

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

  /** Back to what the file says. */
  const discard = () => {
    setForm(initial);
    setChangedOnDisk(false);
  };

  return { form, edit, issues, error, status, changedOnDisk, dirty, nameOk, nameTaken, save, remove, discard };
}
