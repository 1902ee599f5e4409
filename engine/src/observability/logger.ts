/**
 * Structured logs (pino). Secrets are redacted by key; caller data (numbers,
 * transcripts, DTMF) goes in fields, never in the message text.
 */
import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

export type Logger = PinoLogger;

export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'api_key',
  '*.api_key',
  '*.*.api_key',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'secret',
  '*.secret',
  'value',
  'passphrase',
  '*.passphrase',
  'privateKey',
  '*.privateKey',
];

/** Values that must never appear in any log line, whatever key they hide under. */
const knownSecrets = new Set<string>();
export function registerSecretValue(value: string | undefined): void {
  if (value && value.length >= 4) knownSecrets.add(value);
}

function scrub(line: string): string {
  let out = line;
  for (const s of knownSecrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Called with each log line as written (for the API's log tail). */
  tap?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const dest = opts.destination ?? process.stderr;
  const stream = {
    write(line: string) {
      const safe = scrub(line);
      dest.write(safe);
      opts.tap?.(safe);
    },
  };
  return pino(
    {
      level: opts.level ?? process.env.AAVA_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      base: undefined,
    },
    stream,
  );
}

/** A logger that drops everything (tests that do not care about logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
