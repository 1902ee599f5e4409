/**
 * `aava sync --once` (the real CLI in a child process) with only `asterisk.*` set: the recordings sync
 * uses the engine's ARI connection (host, port, user, password), downloads, and transcribes through
 * `transcriber: openai` pointed at an OpenAI-compatible speech-to-text server on the LAN (a local HTTP
 * server answering /v1/audio/transcriptions as a self-hosted Whisper server does), with no API key
 * and without ever sending the OpenAI key from the environment to it.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { FakeAriRecordingsServer } from '../fakes/ari-recordings/server.js';
import { freepbxName, toneWav } from '../fakes/ari-recordings/recordings-set.js';
import { openDatabase } from '../../engine/src/store/database.js';

const BIN = join(import.meta.dirname, '..', '..', 'engine', 'bin', 'aava.mjs');

interface Seen {
  url: string;
  auth: string;
  body: string;
}

/** A LAN Whisper server: the OpenAI transcription route with verbose_json segments. */
function lanWhisper(): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization ?? '', body: Buffer.concat(chunks).toString('latin1') });
      if (req.url !== '/v1/audio/transcriptions') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ task: 'transcribe', language: 'english', duration: 1, text: 'Thank you, goodbye.', segments: [{ id: 0, seek: 0, start: 0.1, end: 0.9, text: ' Thank you, goodbye.', tokens: [], temperature: 0, avg_logprob: 0, compression_ratio: 1, no_speech_prob: 0 }] }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, seen, close: () => new Promise<void>((r) => server.close(() => r())) })),
  );
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('aava sync --once with only the engine’s ARI login', () => {
  let ari: FakeAriRecordingsServer;
  let whisper: Awaited<ReturnType<typeof lanWhisper>>;
  let dir: string;

  beforeAll(async () => {
    ari = new FakeAriRecordingsServer();
    for (let i = 0; i < 3; i++) ari.add(freepbxName(i), toneWav(i, 800));
    await ari.listen();
    whisper = await lanWhisper();
    dir = mkdtempSync(join(tmpdir(), 'aava-sync-once-'));
  });
  afterAll(async () => {
    await ari?.close();
    await whisper?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('syncs with asterisk.* alone, then transcribes through the LAN server (no key, and not the OpenAI one)', async () => {
    const config = join(dir, 'ai-agent.yaml');
    writeFileSync(
      config,
      `default_provider: echo
providers:
  echo:
    type: echo
asterisk:
  host: 127.0.0.1
  port: ${ari.port}
  username: aiagent
  password: \${ASTERISK_ARI_PASSWORD}
recordings:
  transcriber: openai
  analysis:
    openai_base_url: http://127.0.0.1:${whisper.port}/v1
`,
    );
    const dataDir = join(dir, 'data');
    const r = await runCli(['sync', '--once', '--json', '--config', config, '--data-dir', dataDir], { ASTERISK_ARI_PASSWORD: 'aiagentpass', OPENAI_API_KEY: 'sk-real-openai-key-never-to-the-lan', AI_ENGINE_DATA_DIR: '' });
    expect(r.stderr + r.stdout).not.toContain('must be set');
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; found?: number; downloaded?: number; failed?: number; count?: number; error?: string });
    const finished = events.find((e) => e.event === 'finished')!;
    expect(finished, r.stdout + r.stderr).toMatchObject({ found: 3, downloaded: 3, failed: 0 });
    expect(finished.error).toBeUndefined();
    expect(events.find((e) => e.event === 'analyzed')).toMatchObject({ count: 3 });
    expect(r.code).toBe(0);
    // The engine's ARI user did the listing and the downloads.
    expect(ari.requests.filter((q) => q.user === 'aiagent' && q.status === 200).length).toBeGreaterThanOrEqual(4);
    expect(ari.requests.filter((q) => q.status === 401)).toEqual([]);

    const calls = whisper.seen.filter((s) => s.url === '/v1/audio/transcriptions');
    expect(calls).toHaveLength(3);
    for (const c of calls) {
      expect(c.auth).not.toContain('sk-real-openai-key');
      expect(c.body).toContain('whisper-1');
      expect(c.body).toContain('RIFF');
    }
    const db = openDatabase(join(dataDir, 'aava.db'));
    try {
      const rows = db.prepare('SELECT segments_json FROM recording_analysis').all() as { segments_json: string }[];
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row.segments_json).toContain('Thank you, goodbye.');
    } finally {
      db.close();
    }
  });
});
