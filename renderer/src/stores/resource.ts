import { toApiError, type ApiError } from '../api/errors';

/** One API-backed value: what we have, whether a request is in flight, and the last error (shown inline). */
export interface Resource<T> {
  data?: T;
  loading: boolean;
  error?: ApiError;
}

export const idle = <T>(): Resource<T> => ({ loading: false });

type Setter<S> = (partial: Partial<S> | ((s: S) => Partial<S>)) => void;

/**
 * Runs `request` and mirrors it into `state[key]`: loading while in flight, data on success,
 * a typed ApiError on failure (the previous data stays visible). Resolves to the data or undefined.
 */
export async function track<S, K extends keyof S, T>(
  set: Setter<S>,
  get: () => S,
  key: K,
  request: () => Promise<T>,
): Promise<T | undefined> {
  const before = get()[key] as unknown as Resource<T>;
  set({ [key]: { ...before, loading: true, error: undefined } } as unknown as Partial<S>);
  try {
    const data = await request();
    set({ [key]: { data, loading: false } } as unknown as Partial<S>);
    return data;
  } catch (err) {
    const cur = get()[key] as unknown as Resource<T>;
    set({ [key]: { ...cur, loading: false, error: toApiError(err) } } as unknown as Partial<S>);
    return undefined;
  }
}

/** Runs an action (save, test, hang up…) and returns either its result or the ApiError, never throws. */
export async function attempt<T>(request: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ApiError }> {
  try {
    return { ok: true, value: await request() };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
