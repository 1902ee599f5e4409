/**
 * One save from the Contexts editor (over the real HTTP API, into a real
 * config file with the file watcher on) is parsed once, reloads the engine
 * once and publishes one config.reloaded; the watcher recognises the engine's
 * own write. An edit made outside the engine still reloads it, once.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import { createSettingsService } from '../../engine/src/settings/settings-service.js';
import type { Engine } from '../../engine/src/engine.js';
import { startEngine, type RunningEngine } from '../support/engine-in-process.js';
import type { ApiEvent, ConfigView } from '../../engine/src/api/index.js';
import type { ServiceFactory } from '../../engine/src/engine-context.js';
import type * as Yaml from 'yaml';

/** Every YAML text the engine parses, in order. */
const parsedTexts = vi.hoisted(() => [] as string[]);
vi.mock('yaml', async (importOriginal) => {
  const yaml = await importOriginal<typeof Yaml>();
  const parseDocument = ((src: string, ...rest: unknown[]) => {
    parsedTexts.push(src);
    return (yaml.parseDocument as (...a: unknown[]) => unknown)(src, ...rest);
  }) as typeof yaml.parseDocument;
  return { ...yaml, parseDocument };
});

const CONFIG = `# the admin's comment
default_provider: echo
asterisk:
  host: 127.0.0.1
  port: 1
  username: u
providers:
  echo:
    type: echo
contexts:
  default:
    greeting: hi
    tools: [hangup]
`;

let running: RunningEngine;
let engine: Engine;
let file: string;
let base: string;
/** What a service sees: each engine reload (providers, ARI and transports refresh on this). */
let reloads = 0;
let unchanged = 0;
const busEvents: ApiEvent[] = [];

const reloadCounter: ServiceFactory = (ctx) => ({
  name: 'reload-counter',
  async start() {
    ctx.config.events.on('reloaded', () => reloads++);
    ctx.config.events.on('unchanged', () => unchanged++);
  },
  async stop() {},
});

async function api<T>(method: string, args?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: args === undefined ? '' : JSON.stringify(args) });
  const body = (await res.json()) as { ok: boolean; result: T };
  expect(body.ok).toBe(true);
  return body.result;
}

const configReloadedEvents = () => busEvents.filter((e) => e.type === 'config.reloaded').length;
const parsesOf = (text: string) => parsedTexts.filter((t) => t === text).length;

beforeAll(async () => {
  running = await startEngine({
    configText: CONFIG,
    extra: { services: [createSettingsService, reloadCounter] },
    beforeStart: (e) => e.ctx.bus.subscribe((ev) => busEvents.push(ev)),
  });
  ({ engine, base, configPath: file } = running);
});

afterAll(async () => {
  await running.stop();
});

describe('one config save', () => {
  it('is parsed once, reloads the engine once and publishes one config.reloaded; the watcher passes over it', async () => {
    parsedTexts.length = 0;
    const saved = await api<{ ok: boolean }>('config.saveContext', { name: 'sales', context: { greeting: 'Sales here', provider: 'echo', tools: [] } });
    expect(saved).toEqual({ ok: true });
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('# the admin\'s comment');
    expect(written).toContain('greeting: Sales here');

    // The watcher saw the engine's own write and found nothing new.
    await expect.poll(() => unchanged, { timeout: 10_000 }).toBe(1);
    // What the editor shows next comes from the loaded config, not from a new read of the file.
    const view = await api<ConfigView>('config.get');
    expect(view.contexts.find((c) => c.name === 'sales')).toMatchObject({ greeting: 'Sales here', provider: 'echo' });

    expect(reloads).toBe(1);
    expect(configReloadedEvents()).toBe(1);
    expect(parsesOf(written)).toBe(1);
    // The only other parse is the comment-preserving edit of the text as it was.
    expect(parsedTexts.filter((t) => t !== written)).toEqual([CONFIG]);
  });

  it('an edit made outside the engine reloads it once; writing the same text again reloads nothing', async () => {
    const external = readFileSync(file, 'utf8').replace('greeting: hi', 'greeting: hello from vim');
    parsedTexts.length = 0;
    writeFileSync(file, external);
    await expect.poll(() => reloads, { timeout: 10_000 }).toBe(2);
    expect(engine.ctx.config.current().contexts.default?.greeting).toBe('hello from vim');
    expect(parsesOf(external)).toBe(1);

    writeFileSync(file, external);
    await expect.poll(() => unchanged, { timeout: 10_000 }).toBe(2);
    expect(reloads).toBe(2);
    expect(configReloadedEvents()).toBe(2);
    expect(parsesOf(external)).toBe(1);
  });
});
