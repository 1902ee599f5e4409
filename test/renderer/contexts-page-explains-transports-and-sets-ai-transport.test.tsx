import { cleanup, fireEvent, screen } from '@testing-library/react';
import { ContextsPage } from '../../renderer/src/pages/ContextsPage';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';
import { configView } from './support/samples';

afterEach(() => {
  cleanup();
  disposeStores();
  window.location.hash = '';
});

describe('Contexts page: media transports', () => {
  it('explains when to pick each transport and puts the chosen one into the dialplan as AI_TRANSPORT', async () => {
    const client = new FakeClient().handle('config.get', () => ({ ...configView(), audioTransport: 'audiosocket' as const })).handle('config.validateContext', () => ({ ok: true as const }));
    renderWithStores(<ContextsPage selected="sales" />, client);
    const select = (await screen.findByLabelText('Media transport for these calls')) as HTMLSelectElement;
    expect(select.value).toBe('');
    expect(screen.getByText('default (audiosocket)')).toBeTruthy();
    const snippet = screen.getByLabelText('Dialplan for sales');
    expect(snippet.textContent).not.toContain('AI_TRANSPORT');

    // the guide says why WebSocket suits a desktop behind NAT, and which default is in force
    expect(screen.getByText('Which media transport?')).toBeTruthy();
    expect(screen.getByText(/nothing has to reach the desktop/)).toBeTruthy();
    expect(screen.getByText('(the default now)').closest('dt')?.textContent).toContain('AudioSocket');

    fireEvent.change(select, { target: { value: 'websocket' } });
    expect(screen.getByLabelText('Dialplan for sales').textContent).toContain(' same => n,Set(AI_TRANSPORT=websocket)\n same => n,Stasis(');
  });
});
