import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startHostedEngine, portOwnersFrom, type HostedEngine } from '../../electron/engine-host.js';
import { classifyStartupError, renderStartupErrorPage, parseStartupAction, portOwner, transportPortProblems } from '../../electron/startup-error.js';
import { MemorySecretStore } from '../../engine/src/secrets/secret-store.js';
import { createSettingsService } from '../../engine/src/settings/settings-service.js';
import { silentLogger } from '../../engine/src/observability/logger.js';
import { createEngine } from '../../engine/src/engine.js';

const MIN_YAML = (healthPort: number) =>
  [
    'default_provider: openai_realtime',
    'asterisk: { host: 127.0.0.1, username: aava, password: "" }',
    'providers:',
    '  openai_realtime: { type: openai_realtime }',
    `health: { host: 127.0.0.1, port: ${healthPort} }`,
    '',
  ].join('\n');

let dir: string;
let blocker: Server | undefined;
let hosted: HostedEngine | undefined;
afterEach(async () => {
  await hosted?.engine.stop(1000);
  hosted = undefined;
  await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  blocker = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const host = (configPath: string) =>
  startHostedEngine({
    configPath,
    dataDir: join(dir, 'data'),
    secrets: new MemorySecretStore(),
    factories: [createSettingsService],
    create: (o) => createEngine({ ...o, log: silentLogger(), watchConfig: false }),
  });

describe('start-up failures become a page with the path-named error, not a crash', () => {
  it('a bad config names the file and the YAML path', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aava-startup-'));
    const cfg = join(dir, 'ai-agent.yaml');
    writeFileSync(cfg, 'default_provider: deepgrm\nasterisk: { host: 127.0.0.1 }\n');
    const err = await host(cfg).catch((e: unknown) => e);
    const p = classifyStartupError(err, cfg, portOwnersFrom(cfg));
    expect(p.kind).toBe('config');
    expect(p.message).toContain(cfg);
    expect(p.message).toMatch(/asterisk\.username/);
    expect(p.configPath).toBe(cfg);
    const html = renderStartupErrorPage(p);
    expect(html).toContain('href="aava-action:retry"');
    expect(html).toContain('href="aava-action:open-config"');
    expect(html).not.toMatch(/<script/i);
  });

  it('a port already in use (real socket) names the config key and the port; the engine cleans up', async () => {
    dir = mkdtempSync(join(tmpdir(), 'aava-startup-'));
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const cfg = join(dir, 'ai-agent.yaml');
    writeFileSync(cfg, MIN_YAML(port));
    const err = await host(cfg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const p = classifyStartupError(err, cfg, portOwnersFrom(cfg));
    expect(p.kind).toBe('port');
    expect(p.port).toBe(port);
    expect(p.title).toBe(`Port ${port} is already in use`);
    expect(p.message).toContain(`${cfg}: health.port: port ${port} is in use`);
    // Retry after the port is freed: the failed attempt left nothing open (DB, listeners)
    await new Promise<void>((r) => blocker!.close(() => r()));
    blocker = undefined;
    hosted = await host(cfg);
    expect(hosted.engine.http?.address()).toMatchObject({ port });
  });

  it('knows which key owns the standard ports', () => {
    expect(portOwner(8090)).toBe('audiosocket.port');
    expect(portOwner(18085)).toBe('external_media.port_range');
    expect(portOwner(15000)).toBe('health.port');
    expect(portOwner(9999)).toBeUndefined();
    expect(portOwner(9100, { health: 9100 })).toBe('health.port');
    const p = classifyStartupError(Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:8090'), { code: 'EADDRINUSE' }), '/c.yaml');
    expect(p.message).toMatch(/^\/c\.yaml: audiosocket\.port: port 8090/);
    expect(classifyStartupError('boom', '/c.yaml')).toMatchObject({ kind: 'other', message: 'boom' });
  });

  it('turns a transport that could not bind into a port problem, ignoring other reasons', () => {
    const problems = transportPortProblems(
      {
        audiosocket: { listening: false, reason: 'cannot listen on 0.0.0.0:9090: EADDRINUSE' },
        externalmedia: { listening: false, reason: 'not started' },
        other: { listening: true },
      },
      '/c.yaml',
      { audiosocket: 9090 },
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'port', port: 9090, title: 'Port 9090 is already in use — audiosocket calls cannot be answered' });
    expect(problems[0]!.message).toMatch(/^\/c\.yaml: audiosocket\.port: port 9090 is in use/);
    const rtp = transportPortProblems({ externalmedia: { listening: false, reason: 'all 20 RTP ports in use' } }, '/c.yaml');
    expect(rtp[0]).toMatchObject({ kind: 'port', title: 'A port is already in use — externalmedia calls cannot be answered', message: '/c.yaml: external_media.port_range: externalmedia: all 20 RTP ports in use' });
  });

  it('escapes the message and parses only its own actions', () => {
    const html = renderStartupErrorPage({ kind: 'other', title: '<b>x</b>', message: '<img src=x onerror=alert(1)>', hint: '"&"', configPath: '/a<b>.yaml' });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain("default-src 'none'");
    expect(parseStartupAction('aava-action:retry')).toBe('retry');
    expect(parseStartupAction('aava-action://open-config/')).toBe('open-config');
    expect(parseStartupAction('aava-action:rm-rf')).toBeUndefined();
    expect(parseStartupAction('https://retry')).toBeUndefined();
  });

  it('the shipped config starts an engine (the first-run copy is usable)', async () => {
    const shipped = resolve(__dirname, '..', '..', 'config', 'ai-agent.yaml');
    if (!existsSync(shipped)) {
      console.warn('skipping: config/ai-agent.yaml is not in the tree yet');
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'aava-startup-'));
    const cfg = join(dir, 'ai-agent.yaml');
    copyFileSync(shipped, cfg);
    const err = await startHostedEngine({
      configPath: cfg,
      dataDir: join(dir, 'data'),
      secrets: new MemorySecretStore(),
      factories: [createSettingsService],
      http: { host: '127.0.0.1', port: 0 },
      create: (o) => createEngine({ ...o, log: silentLogger(), watchConfig: false }),
    }).then(
      (h) => {
        hosted = h;
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeUndefined();
  });
});
