import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHarness } from './support/harness.js';
import { AnalysisQueue } from '../../engine/src/analysis/analysis-queue.js';
import { RecordingsRepo } from '../../engine/src/recordings/recordings-repo.js';
import { parseRecordingName } from '../../engine/src/recordings/freepbx-name.js';
import { recordingId } from '../../engine/src/recordings/sync-plan.js';
import type { AddressInfo } from 'node:net';
import { deepgramTranscriber, openaiTranscriber } from '../../engine/src/analysis/transcribers.js';
import { llmReview, parseReview } from '../../engine/src/analysis/llm-summary.js';
import { encodeWav, parseWavHeader } from '../../engine/src/media/wav.js';

interface Seen {
  method: string;
  url: string;
  auth: string;
  contentType: string;
  body: Buffer;
}

/** One local HTTP server standing in for api.deepgram.com and an OpenAI-compatible API, answering with their documented shapes. */
function fakeCloud(): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization ?? '', contentType: req.headers['content-type'] ?? '', body });
      const json = (v: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (req.url!.startsWith('/v1/listen')) {
        return json({
          metadata: { request_id: 'r1', duration: 4, channels: 1 },
          results: {
            channels: [],
            utterances: [
              { start: 0.2, end: 1.9, confidence: 0.9, channel: 0, transcript: 'Thanks for calling.', words: [], speaker: 0, id: 'u1' },
              { start: 1.7, end: 3.5, confidence: 0.9, channel: 0, transcript: 'My invoice is wrong.', words: [], speaker: 1, id: 'u2' },
            ],
          },
        });
      }
      if (req.url === '/v1/audio/transcriptions') {
        return json({ task: 'transcribe', language: 'english', duration: 4, text: 'x', segments: [{ id: 0, seek: 0, start: 0.5, end: 2.5, text: ' Good morning. ', tokens: [], temperature: 0, avg_logprob: 0, compression_ratio: 1, no_speech_prob: 0 }] });
      }
      if (req.url === '/v1/chat/completions') {
        return json({
          id: 'c1',
          object: 'chat.completion',
          created: 0,
          model: 'm',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '{"summary":"Billing complaint.","sentiment_score":-0.6,"reasons":["invoice wrong"]}' } }],
        });
      }
      res.writeHead(404).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as AddressInfo).port, seen, close: () => new Promise<void>((r) => server.close(() => r())) }),
    ),
  );
}

const wav = (channels: number) => encodeWav(Buffer.alloc(8000 * 2 * channels), 8000, channels);

describe('cloud transcription adapters and the LLM review, against local stand-ins', () => {
  let cloud: Awaited<ReturnType<typeof fakeCloud>>;
  beforeEach(async () => {
    cloud = await fakeCloud();
  });
  afterEach(() => cloud.close());

  it('Deepgram pre-recorded: diarized utterances become speakers with times', async () => {
    const t = deepgramTranscriber({ apiKey: 'dg-key', baseUrl: `http://127.0.0.1:${cloud.port}`, model: 'nova-3' });
    const file = wav(1);
    const segs = await t.transcribe({ wav: file, info: parseWavHeader(file) });
    expect(segs).toEqual([
      { startSec: 0.2, endSec: 1.9, speaker: 'speaker 1', text: 'Thanks for calling.' },
      { startSec: 1.7, endSec: 3.5, speaker: 'speaker 2', text: 'My invoice is wrong.' },
    ]);
    const req = cloud.seen[0]!;
    expect(req.auth).toBe('Token dg-key');
    const q = new URL(req.url, 'http://x').searchParams;
    expect(q.get('diarize')).toBe('true');
    expect(q.get('utterances')).toBe('true');
    expect(q.get('model')).toBe('nova-3');
    expect(req.body.equals(file)).toBe(true);
  });

  it('Deepgram with a stereo file asks for multichannel, not diarization', async () => {
    const t = deepgramTranscriber({ apiKey: 'k', baseUrl: `http://127.0.0.1:${cloud.port}`, model: 'nova-3' });
    const file = wav(2);
    await t.transcribe({ wav: file, info: parseWavHeader(file) });
    const q = new URL(cloud.seen[0]!.url, 'http://x').searchParams;
    expect(q.get('multichannel')).toBe('true');
    expect(q.get('diarize')).toBe('false');
  });

  it('OpenAI transcription: verbose_json segments, one request per stereo channel', async () => {
    const t = openaiTranscriber({ apiKey: 'oa-key', baseUrl: `http://127.0.0.1:${cloud.port}/v1`, model: 'whisper-1' });
    const file = wav(2);
    const segs = await t.transcribe({ wav: file, info: parseWavHeader(file) });
    expect(segs.map((s) => [s.speaker, s.startSec, s.text])).toEqual([
      ['speaker 1', 0.5, 'Good morning.'],
      ['speaker 2', 0.5, 'Good morning.'],
    ]);
    expect(cloud.seen).toHaveLength(2);
    const body = cloud.seen[0]!.body.toString('latin1');
    expect(cloud.seen[0]!.auth).toBe('Bearer oa-key');
    expect(body).toMatch(/name="response_format"\r\n\r\nverbose_json/);
    expect(body).toMatch(/name="timestamp_granularities\[\]"\r\n\r\nsegment/);
    expect(body).toContain('RIFF');
  });

  it('OpenAI gpt-4o transcribe models get plain json, one untimed segment per channel', async () => {
    const t = openaiTranscriber({ apiKey: 'k', baseUrl: `http://127.0.0.1:${cloud.port}/v1`, model: 'gpt-4o-mini-transcribe' });
    const file = wav(1);
    const segs = await t.transcribe({ wav: file, info: parseWavHeader(file) });
    expect(segs).toEqual([{ startSec: 0, endSec: 1, speaker: 'speaker 1', text: 'x' }]);
    expect(cloud.seen[0]!.body.toString('latin1')).toMatch(/name="response_format"\r\n\r\njson\r\n/);
  });

  it('LLM review over an OpenAI-compatible chat API', async () => {
    const r = await llmReview({ apiKey: 'k', baseUrl: `http://127.0.0.1:${cloud.port}/v1`, model: 'local-model' }, [{ startSec: 0, endSec: 1, speaker: 'speaker 1', text: 'my invoice is wrong' }]);
    expect(r).toEqual({ summary: 'Billing complaint.', sentiment_score: -0.6, reasons: ['invoice wrong'] });
    const sent = JSON.parse(cloud.seen[0]!.body.toString()) as { model: string; messages: { content: string }[] };
    expect(sent.model).toBe('local-model');
    expect(sent.messages[1]!.content).toContain('speaker 1: my invoice is wrong');
  });

  it('rejects a review answer outside the schema, naming the field', () => {
    expect(() => parseReview('{"summary":"x","sentiment_score":3}')).toThrow(/sentiment_score/);
    expect(() => parseReview('no json here')).toThrow(/no JSON/);
    expect(parseReview('```json\n{"summary":"s","sentiment_score":0.2}\n```')).toEqual({ summary: 's', sentiment_score: 0.2, reasons: [] });
  });
});

describe('the analysis queue with an LLM review', () => {
  it('stores the summary, the LLM score and reasons, with per-segment lexicon scores kept', async () => {
    const cloud = await fakeCloud();
    const h = makeHarness({});
    try {
      const repo = new RecordingsRepo(h.ctx.db);
      const dir = join(h.dataDir, 'recordings');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'c.wav'), wav(1));
      const name = 'sip-call-1795243128808';
      const id = recordingId(name);
      repo.saveDownloaded({ id, name, parsed: parseRecordingName(name), format: 'wav', filePath: 'c.wav', sizeBytes: 16044, analyzable: true });
      const q = new AnalysisQueue({
        db: h.ctx.db,
        repo,
        log: h.ctx.log,
        dir,
        transcriber: () => deepgramTranscriber({ apiKey: 'k', baseUrl: `http://127.0.0.1:${cloud.port}`, model: 'nova-3' }),
        llm: () => ({ apiKey: 'k', baseUrl: `http://127.0.0.1:${cloud.port}/v1`, model: 'm' }),
      });
      expect(await q.drain()).toBe(1);
      const d = repo.detail(id)!;
      expect(d).toMatchObject({ status: 'analyzed', summary: 'Billing complaint.', sentimentScore: -0.6, sentiment: 'negative', reasons: ['invoice wrong'] });
      expect(d.segments.map((s) => s.speaker)).toEqual(['speaker 1', 'speaker 2']);
      expect(d.stats!.interruptions).toBe(0); // 0.2 s overlap is below the threshold
      expect(cloud.seen.map((r) => r.url.split('?')[0])).toEqual(['/v1/listen', '/v1/chat/completions']);
    } finally {
      h.close();
      await cloud.close();
    }
  });
});
