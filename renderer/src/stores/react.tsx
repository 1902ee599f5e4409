import { createContext, useContext } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { AppStores } from './index';

export const StoresContext = createContext<AppStores | null>(null);

export function useStores(): AppStores {
  const s = useContext(StoresContext);
  if (!s) throw new Error('useStores: no <StoresContext.Provider> above this component');
  return s;
}

type StoreKeys = { [K in keyof AppStores]: AppStores[K] extends StoreApi<unknown> ? K : never }[keyof AppStores];
type StateOf<K extends StoreKeys> = AppStores[K] extends StoreApi<infer S> ? S : never;

/** Select from one domain store; selectors are plain functions `(state) => value`. */
export function useApp<K extends StoreKeys, T>(key: K, selector: (s: StateOf<K>) => T): T {
  const stores = useStores();
  return useStore<StoreApi<StateOf<K>>, T>(stores[key] as unknown as StoreApi<StateOf<K>>, selector);
}
