import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createAppStores, type AppStores } from '../../../renderer/src/stores';
import { StoresContext } from '../../../renderer/src/stores/react';
import { FakeClient } from './fake-client';

export interface Rendered extends RenderResult {
  client: FakeClient;
  stores: AppStores;
}

const live: AppStores[] = [];

/** Renders `ui` with fresh stores over the given fake client (no health polling). */
export function renderWithStores(ui: ReactElement, client = new FakeClient()): Rendered {
  const stores = createAppStores(client, { healthPollMs: 0 });
  live.push(stores);
  const r = render(<StoresContext.Provider value={stores}>{ui}</StoresContext.Provider>);
  return Object.assign(r, { client, stores });
}

export function disposeStores(): void {
  for (const s of live.splice(0)) s.dispose();
}
