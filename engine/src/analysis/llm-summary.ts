/**
 * Optional LLM review of a transcript over any OpenAI-compatible chat API:
 * a short summary, a sentiment score in −1…1 and the reasons for it.
 */
import OpenAI from 'openai';
import { z } from 'zod';
import type { TranscriptSegment } from '../api/recordings.js';

export interface LlmOptions {
  apiKey: string;
  baseUrl?: string;
  model: string;
}

const answerSchema = z.object({
  summary: z.string().max(4000),
  sentiment_score: z.number().min(-1).max(1),
  reasons: z.array(z.string().max(500)).max(10).default([]),
});
export type LlmReview = z.infer<typeof answerSchema>;

const SYSTEM = `You review phone-call transcripts for a call-centre supervisor. Answer with one JSON object:
{"summary": "<2-4 sentences>", "sentiment_score": <number from -1 (very negative) to 1 (very positive)>, "reasons": ["<short reason>", ...]}.`;

/** Transcript as plain lines, capped so a long call fits the model's context. */
function transcriptText(segments: readonly TranscriptSegment[], maxChars = 24_000): string {
  const lines = segments.map((s) => `[${s.startSec.toFixed(1)}s] ${s.speaker}: ${s.text}`);
  let text = lines.join('\n');
  if (text.length > maxChars) text = `${text.slice(0, maxChars)}\n[…transcript truncated]`;
  return text;
}

export function parseReview(content: string): LlmReview {
  const start = content.indexOf('{');
  const end = content.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('llm summary: the answer holds no JSON object');
  const r = answerSchema.safeParse(JSON.parse(content.slice(start, end + 1)));
  if (!r.success) throw new Error(`llm summary: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export async function llmReview(o: LlmOptions, segments: readonly TranscriptSegment[], signal?: AbortSignal): Promise<LlmReview> {
  const client = new OpenAI({ apiKey: o.apiKey, baseURL: o.baseUrl, maxRetries: 1 });
  const res = await client.chat.completions.create(
    {
      model: o.model,
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: transcriptText(segments) || '(no speech was recognised)' },
      ],
    },
    { signal },
  );
  return parseReview(res.choices[0]?.message?.content ?? '');
}
