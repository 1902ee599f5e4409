import { z } from 'zod';
import { query, command, noArgs } from './define.js';

export interface SoftphoneAccount {
  wssUrl: string;
  sipUri: string;
  authUser: string;
  displayName: string;
  iceServers: { urls: string; username?: string; credential?: string }[];
  passwordSet: boolean;
}

export const softphoneAccountInput = z
  .object({
    wssUrl: z.string().max(512).regex(/^wss?:\/\//, 'must start with wss:// (or ws:// on a trusted LAN)'),
    sipUri: z.string().max(256).regex(/^sip:/, 'must start with sip:'),
    authUser: z.string().max(128),
    displayName: z.string().max(128).default(''),
    iceServers: z
      .array(z.object({ urls: z.string().max(512), username: z.string().max(128).optional(), credential: z.string().max(256).optional() }).strict())
      .max(8)
      .default([]),
    password: z.string().max(256).optional(),
  })
  .strict();

export interface TestCallReport {
  id: string;
  context?: string;
  destination: string;
  startedAt: string;
  answerMs: number | null;
  greetingLatencyMs: number | null;
  /** Per scripted utterance: end of caller audio → start of agent audio. */
  replyLatenciesMs: (number | null)[];
  /** Timeline of detected segments (ms since call start). */
  timeline: { kind: 'caller' | 'agent'; startMs: number; endMs: number }[];
  engineCallId?: string;
  /** This phone's own receive (jitter-buffer) delay, already taken out of the agent timings above. */
  playoutDelayMs?: number;
  /** This computer's own audio pipeline (one way, measured by local loopback), taken out as well. */
  pipelineMs?: number;
  error?: string;
}

export const testCallReportInput = z
  .object({
    context: z.string().max(64).optional(),
    destination: z.string().min(1).max(64),
    startedAt: z.string().max(40),
    answerMs: z.number().nullable(),
    greetingLatencyMs: z.number().nullable(),
    replyLatenciesMs: z.array(z.number().nullable()).max(100),
    timeline: z
      .array(z.object({ kind: z.enum(['caller', 'agent']), startMs: z.number(), endMs: z.number() }).strict())
      .max(1000),
    playoutDelayMs: z.number().min(0).max(10_000).optional(),
    pipelineMs: z.number().min(0).max(10_000).optional(),
    error: z.string().max(1000).optional(),
  })
  .strict();

export const softphoneMethods = {
  'softphone.account': query<SoftphoneAccount | null>()(noArgs),
  'softphone.saveAccount': command<{ ok: true }>()(softphoneAccountInput),
  /** The SIP password, handed only to the app's own softphone page. */
  'softphone.credentials': query<{ password: string | null }>()(noArgs),
  'testcalls.save': command<TestCallReport>()(testCallReportInput),
  'testcalls.list': query<TestCallReport[]>()(noArgs),
};
