import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { ContextsPage } from '../../renderer/src/pages/ContextsPage';
import type { ContextInput } from '../../renderer/src/api/contract';
import { FakeClient } from './support/fake-client';
import { disposeStores, renderWithStores } from './support/render-app';
import { configView } from './support/samples';

afterEach(() => {
  cleanup();
  disposeStores();
  window.location.hash = '';
});

function engineWithConfig() {
  let view = configView();
  const client = new FakeClient()
    .handle('config.get', () => view)
    .handle('config.validateContext', ({ name, context }) =>
      context.provider === 'deepgrm'
        ? { ok: false as const, issues: [{ path: `contexts.${name}.provider`, message: '"deepgrm" is not a provider or pipeline (have: echo, local_hybrid)' }] }
        : { ok: true as const },
    )
    .handle('config.saveContext', ({ name, context, renameFrom }) => {
      if (context.provider === 'deepgrm') {
        return { ok: false as const, issues: [{ path: `contexts.${name}.provider`, message: '"deepgrm" is not a provider or pipeline (have: echo, local_hybrid)' }] };
      }
      const rest = view.contexts.filter((c) => c.name !== (renameFrom ?? name));
      view = { ...view, contexts: [...rest, { name, tools: context.tools ?? [], ...(context as Omit<ContextInput, 'tools'>) }] };
      return { ok: true as const };
    });
  return client;
}

describe('Contexts editor', () => {
  it('saves an edited greeting through config.saveContext', async () => {
    const client = engineWithConfig();
    renderWithStores(<ContextsPage selected="sales" />, client);
    const greeting = (await screen.findByLabelText('Greeting')) as HTMLTextAreaElement;
    expect(greeting.value).toBe('Hi, sales here.');
    fireEvent.change(greeting, { target: { value: 'Welcome to ACME sales.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('config.saveContext')).toHaveLength(1));
    expect(client.callsOf('config.saveContext')[0]).toEqual({
      name: 'sales',
      context: { greeting: 'Welcome to ACME sales.', prompt: 'You sell things to {caller_name}.', provider: 'echo', tools: ['transfer'], destination: '7001' },
    });
    expect(await screen.findByText('Saved to /etc/aava/ai-agent.yaml')).toBeTruthy();
  });

  it('shows a rejected provider inline, under the field, with its YAML path', async () => {
    const client = engineWithConfig();
    renderWithStores(<ContextsPage selected="sales" />, client);
    const select = (await screen.findByLabelText('Provider or pipeline')) as HTMLInputElement;
    fireEvent.change(select, { target: { value: 'deepgrm' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const issue = await screen.findByText((_t, el) => el?.tagName === 'LI' && el.textContent === 'contexts.sales.provider: "deepgrm" is not a provider or pipeline (have: echo, local_hybrid)');
    expect(issue.closest('ul')?.id).toBe('ctx-provider-issues');
    expect(select.getAttribute('aria-invalid')).toBe('true');
    expect(select.getAttribute('aria-describedby')).toBe('ctx-provider-issues');
  });

  it('inserts a prompt variable at the caret and offers the dialplan and Custom Destination', async () => {
    renderWithStores(<ContextsPage selected="support" />, engineWithConfig());
    const prompt = (await screen.findByLabelText('Prompt')) as HTMLTextAreaElement;
    fireEvent.change(prompt, { target: { value: 'Greet  warmly.' } });
    prompt.setSelectionRange(6, 6);
    fireEvent.click(screen.getByRole('button', { name: '{caller_name}' }));
    expect(prompt.value).toBe('Greet {caller_name} warmly.');
    expect(screen.getByLabelText('Dialplan for support').textContent).toBe(
      '[from-ai-agent-support]\nexten => s,1,NoOp(AI voice agent: support)\n same => n,Set(AI_CONTEXT=support)\n same => n,Stasis(asterisk-ai-voice-agent)\n same => n,Hangup()',
    );
    expect(screen.getByText('from-ai-agent-support,s,1')).toBeTruthy();
    fireEvent.change(prompt, { target: { value: 'Hello {caler_name}' } });
    expect(screen.getByText(/\{caler_name\} is not a known variable/)).toBeTruthy();
  });

  it('renames a context with renameFrom and refuses names that break the YAML key rules', async () => {
    const client = engineWithConfig();
    renderWithStores(<ContextsPage selected="support" />, client);
    const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
    fireEvent.change(name, { target: { value: 'after hours' } });
    expect(screen.getByText((_t, el) => el?.tagName === 'LI' && el.textContent === 'name: use 1–64 letters, digits, _ and - only')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(name, { target: { value: 'after_hours' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.callsOf('config.saveContext')).toEqual([{ name: 'after_hours', renameFrom: 'support', context: { tools: [] } }]));
    await waitFor(() => expect(window.location.hash).toBe('#/contexts/after_hours'));
  });

  it('"Test this context" opens the softphone with the context’s destination', async () => {
    renderWithStores(<ContextsPage selected="sales" />, engineWithConfig());
    fireEvent.click(await screen.findByRole('button', { name: 'Test this context' }));
    expect(window.location.hash).toBe('#/softphone?destination=7001&context=sales');
  });

  it('deletes only after a second confirmation', async () => {
    const client = engineWithConfig().handle('config.deleteContext', () => ({ ok: true as const }));
    renderWithStores(<ContextsPage selected="sales" />, client);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete…' }));
    expect(client.callsOf('config.deleteContext')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Really delete “sales”' }));
    await waitFor(() => expect(client.callsOf('config.deleteContext')).toEqual([{ name: 'sales' }]));
  });

  it('a config reload keeps unsaved edits and says the file changed; an untouched form follows the file', async () => {
    let greeting = 'Hi, sales here.';
    const client = new FakeClient()
      .handle('config.get', () => configView({ contexts: [{ name: 'sales', greeting, tools: [] }] }))
      .handle('config.validateContext', () => ({ ok: true as const }));
    const r = renderWithStores(<ContextsPage selected="sales" />, client);
    const field = (await screen.findByLabelText('Greeting')) as HTMLTextAreaElement;
    greeting = 'Edited on disk';
    await act(async () => {
      client.emit({ type: 'config.reloaded', at: 'now', path: '/etc/aava/ai-agent.yaml' });
      await r.stores.config.getState().load();
    });
    expect(field.value).toBe('Edited on disk');
    fireEvent.change(field, { target: { value: 'My unsaved words' } });
    greeting = 'Edited on disk again';
    await act(async () => {
      await r.stores.config.getState().load();
    });
    expect(field.value).toBe('My unsaved words');
    expect(screen.getByText(/changed in the config file while you were editing/)).toBeTruthy();
  });
});
