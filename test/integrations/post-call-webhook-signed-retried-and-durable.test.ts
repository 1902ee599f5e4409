/**
 * The post-call document against a local CRM: it arrives once, signed
 * (X-AAVA-Signature: sha256=<HMAC of the raw body>), is retried after a 500,
 * survives an engine restart (the queue is in the store), and after its last
 * attempt becomes a dead letter that can be resent.
 */
import { createHmac } from 'node:crypto';
import { FakeCrm, type CrmRequest } from '../fakes/crm/crm-server.js';
import { startHarness, baseConfig, type Harness } from '../support/calls-harness.js';
import { until, tone, silence, concatPcm, tonePower } from '../fakes/asterisk/index.js';
import type { PostCallDocument } from '../../engine/src/webhooks/post-call-document.js';
import type { WebhookQueueView } from '../../engine/src/api/integrations.js';

const SECRET = 'whsec-test-4d2f9a';
let h: Harness | undefined;
let crm: FakeCrm | undefined;
afterEach(async () => {
  await h?.close();
  await crm?.close();
  h = crm = undefined;
});

/** The CRM answers /calls with the next status of `statuses` (the last one repeats). */
async function startCrm(statuses: number[]): Promise<FakeCrm> {
  let n = 0;
  crm = await new FakeCrm().on('POST', '/calls', () => ({ status: statuses[Math.min(n++, statuses.length - 1)], json: {} })).listen();
  return crm;
}

async function startEngine(postCall: Record<string, unknown>): Promise<Harness> {
  h = await startHarness({
    config: (port) => baseConfig(port, { webhooks: { post_call: { url: crm!.url('/calls'), secret: SECRET, retry_initial_ms: 50, retry_max_ms: 200, ...postCall } } }),
  });
  return h;
}

/** One echo call: greeting heard, the caller presses # (the hangup tool), the agent hangs up. */
async function oneCall(h: Harness): Promise<string> {
  const caller = h.fake.injectCall({ callerNumber: '7001', callerName: 'Lin', audio: concatPcm([silence(200), tone(1000, 400), silence(600)]) });
  await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard', 10_000);
  await caller.dtmf('#');
  await until(() => h.events.some((e) => e.type === 'call.ended'), 'call ended', 15_000);
  return (h.events.find((e) => e.type === 'call.ended') as { call: { id: string } }).call.id;
}

const hmac = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
const posts = () => crm!.to('POST', '/calls');
const answered = (status: number) => posts().filter((r: CrmRequest) => r.status === status);

describe('post-call webhook', () => {
  it('arrives once, signed, after a 500 was retried', async () => {
    await startCrm([500, 200]);
    const h = await startEngine({});
    const id = await oneCall(h);
    await until(() => answered(200).length === 1, 'the document was accepted', 15_000);
    await h.service.integrations.queue.runDue();
    expect(posts().map((r) => r.status)).toEqual([500, 200]);
    const [first, retry] = posts();
    expect(retry!.body).toBe(first!.body);
    for (const r of [first!, retry!]) {
      expect(r.headers['x-aava-signature']).toBe(hmac(r.body));
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect([first!.headers['x-aava-attempt'], retry!.headers['x-aava-attempt']]).toEqual(['1', '2']);
    expect(retry!.headers['x-aava-delivery']).toBe(first!.headers['x-aava-delivery']);
    const doc = JSON.parse(retry!.body) as PostCallDocument;
    expect(doc).toMatchObject({ version: 1, event: 'call.ended', call_id: id, caller: { number: '7001', name: 'Lin' }, context: 'default', provider: 'echo', transport: 'audiosocket', outcome: 'agent_hangup', pre_call: null });
    expect(doc.duration_ms).toBeGreaterThan(0);
    expect(doc.tool_calls).toMatchObject([{ name: 'hangup', kind: 'builtin', ok: true }]);
    expect(doc.transcript.some((l) => l.role === 'system' && l.text === 'DTMF #')).toBe(true);
    const view = (await h.service.handlers!['webhooks.queue']!(undefined)) as WebhookQueueView;
    expect(view).toMatchObject({ configured: true, pending: 0, delivered: 1, dead: 0, deadLetters: [] });
  });

  it('is still delivered, once, after an engine restart', async () => {
    let accept = false;
    crm = await new FakeCrm().on('POST', '/calls', () => ({ status: accept ? 200 : 503, json: {} })).listen();
    const h = await startEngine({ retry_initial_ms: 100, retry_max_ms: 300 });
    await oneCall(h);
    await until(() => answered(503).length >= 1, 'a failed attempt', 15_000);
    let before = 0;
    // The engine stops; while it is down the CRM starts accepting; it comes back on the same store and config.
    const service = await h.restart(() => {
      before = posts().length;
      accept = true;
    });
    await until(() => answered(200).length === 1, 'delivered by the restarted engine', 15_000);
    await service.integrations.queue.runDue();
    expect(answered(200)).toHaveLength(1);
    expect(posts().length).toBeGreaterThan(before);
    const ok = answered(200)[0]!;
    expect(ok.body).toBe(posts()[0]!.body);
    expect(ok.headers['x-aava-signature']).toBe(hmac(ok.body));
    expect(service.integrations.queue.view()).toMatchObject({ pending: 0, delivered: 1, dead: 0 });
  });

  it('becomes a dead letter after max_attempts, listed for Settings, and a resend delivers it', async () => {
    let accept = false;
    crm = await new FakeCrm().on('POST', '/calls', () => ({ status: accept ? 200 : 500, json: {} })).listen();
    const h = await startEngine({ max_attempts: 2 });
    const id = await oneCall(h);
    const queue = () => h.service.handlers!['webhooks.queue']!(undefined) as WebhookQueueView;
    await until(() => queue().dead === 1, 'dead letter', 15_000);
    expect(posts()).toHaveLength(2);
    const [dead] = queue().deadLetters;
    expect(dead).toMatchObject({ callId: id, url: crm.url('/calls'), attempts: 2, lastStatus: 500, lastError: 'HTTP 500' });
    accept = true;
    expect(await h.service.handlers!['webhooks.resend']!({ id: dead!.id })).toEqual({ ok: true });
    await until(() => answered(200).length === 1, 'resent and accepted', 15_000);
    expect(queue()).toMatchObject({ dead: 0, delivered: 1, deadLetters: [] });
    await expect(Promise.resolve().then(() => h.service.handlers!['webhooks.resend']!({ id: 9999 }))).rejects.toMatchObject({ code: 'not_found' });
  });
});
