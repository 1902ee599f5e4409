/**
 * Local speech recognition with Debian's `pocketsphinx_continuous`
 * (packages `pocketsphinx` + `pocketsphinx-en-us`), fed 16 kHz mono s16le.
 *
 * The binary only reads stdin through a shell pipe (`cat | … -infile
 * /dev/stdin`); spawned with a Node pipe as /dev/stdin directly it exits 1.
 * It prints each utterance when its own silence detector closes it, so one
 * long-running process per call streams results.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PocketsphinxOutputParser, parsePocketsphinxOutput, type Utterance } from './pocketsphinx-parse.js';

export type { Utterance, WordSegment } from './pocketsphinx-parse.js';

export const POCKETSPHINX_SAMPLE_RATE = 16000;
const DEFAULT_POCKETSPHINX_COMMAND = 'pocketsphinx_continuous';
/** Where pocketsphinx-en-us installs the acoustic model. */
const DEFAULT_HMM_DIR = '/usr/share/pocketsphinx/model/en-us/en-us';

export interface PocketsphinxOptions {
  /** Executable name or path (default `pocketsphinx_continuous`). */
  command?: string;
  /** Acoustic model dir, dictionary and language model (package defaults when unset). */
  hmm?: string;
  dict?: string;
  lm?: string;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function recognizerArgs(opts: PocketsphinxOptions): string[] {
  const args = ['-infile', '/dev/stdin', '-time', 'yes', '-logfn', '/dev/null'];
  if (opts.hmm) args.push('-hmm', opts.hmm);
  if (opts.dict) args.push('-dict', opts.dict);
  if (opts.lm) args.push('-lm', opts.lm);
  return args;
}

/** The shell command line: `cat | pocketsphinx_continuous …` (see the module note). */
function pocketsphinxShellCommand(opts: PocketsphinxOptions = {}): string {
  const cmd = opts.command ?? DEFAULT_POCKETSPHINX_COMMAND;
  return `cat | exec ${shellQuote(cmd)} ${recognizerArgs(opts).map(shellQuote).join(' ')}`;
}

/** ready/reason for /health: binary on PATH and the model installed. */
export function pocketsphinxHealth(opts: PocketsphinxOptions = {}): { ready: boolean; reason?: string } {
  const cmd = opts.command ?? DEFAULT_POCKETSPHINX_COMMAND;
  const found = cmd.includes('/') ? existsSync(cmd) : spawnSync('sh', ['-c', `command -v ${shellQuote(cmd)}`]).status === 0;
  if (!found) return { ready: false, reason: `${cmd} not found (install the Debian packages pocketsphinx and pocketsphinx-en-us)` };
  const hmm = opts.hmm ?? DEFAULT_HMM_DIR;
  if (!existsSync(hmm)) return { ready: false, reason: `pocketsphinx model ${hmm} not found (install pocketsphinx-en-us)` };
  return { ready: true };
}

export interface StreamingRecognizer {
  /** 16 kHz mono s16le audio. */
  write(pcm16k: Buffer): void;
  /** Ends the input; resolves after the last utterance has been emitted. */
  end(): Promise<void>;
  /** Kills the process now. */
  close(): void;
  /** Seconds of audio written so far (stream clock for utterance times). */
  readonly writtenSec: number;
}

export interface StreamingRecognizerHandlers {
  /** Each utterance pocketsphinx closes; `text` is '' when it heard nothing it could recognize. */
  utterance(u: Utterance): void;
  /** The process failed or exited while input was still open. */
  error?(err: Error): void;
}

/** One long-running recognizer (one per call). */
export function createStreamingRecognizer(handlers: StreamingRecognizerHandlers, opts: PocketsphinxOptions = {}): StreamingRecognizer {
  // Own process group, so close() ends sh, cat and the recognizer together.
  const child: ChildProcess = spawn('sh', ['-c', pocketsphinxShellCommand(opts)], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const parser = new PocketsphinxOutputParser();
  let stderr = '';
  let ended = false;
  let killed = false;
  let written = 0;
  const emit = (list: Utterance[]) => {
    for (const u of list) handlers.utterance(u);
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => emit(parser.push(d)));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  child.stdin!.on('error', () => {
    /* EPIPE when the process died: reported by 'exit' below. */
  });
  const exited = new Promise<void>((resolve) => {
    child.on('error', (err) => {
      handlers.error?.(new Error(`pocketsphinx: cannot start sh: ${err.message}`));
      resolve();
    });
    child.on('close', (code) => {
      emit(parser.end());
      if (!killed && (!ended || code !== 0)) {
        const why = stderr.trim().split('\n').slice(-3).join(' | ');
        handlers.error?.(new Error(`pocketsphinx exited with code ${code}${why ? `: ${why}` : ''}`));
      }
      resolve();
    });
  });
  return {
    write(pcm) {
      if (ended || killed || !child.stdin!.writable) return;
      written += pcm.length;
      child.stdin!.write(pcm);
    },
    async end() {
      if (!ended && !killed) {
        ended = true;
        child.stdin!.end();
      }
      await exited;
    },
    close() {
      if (killed) return;
      killed = true;
      ended = true;
      child.stdin!.destroy();
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    },
    get writtenSec() {
      return written / 2 / POCKETSPHINX_SAMPLE_RATE;
    },
  };
}

export interface Transcript {
  text: string;
  utterances: Utterance[];
}

function runBatch(shellCmd: string, input: Buffer | undefined, extraArgs: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', shellCmd, 'sh', ...extraArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-2000)));
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`pocketsphinx exited with code ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
    if (input) child.stdin.end(input);
    else child.stdin.end();
  });
}

function toTranscript(stdout: string): Transcript {
  const utterances = parsePocketsphinxOutput(stdout);
  return { text: utterances.map((u) => u.text).join(' '), utterances };
}

/** Batch recognition of 16 kHz mono s16le audio, with word times in seconds. */
export async function transcribePcm16k(pcm16k: Buffer, opts: PocketsphinxOptions = {}): Promise<Transcript> {
  return toTranscript(await runBatch(pocketsphinxShellCommand(opts), pcm16k));
}
