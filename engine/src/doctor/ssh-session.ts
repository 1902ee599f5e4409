/**
 * One SSH connection to the PBX (ssh2): host-key pinning (SHA-256, OpenSSH
 * "SHA256:…" format), password / private key (+ passphrase) / agent auth,
 * per-command timeouts, cancellation through an AbortSignal, and sudo when
 * the login user is not root (the sudo password goes to `sudo -S` on stdin,
 * is never part of a command line and never logged).
 */
import { Client, type ConnectConfig, type ClientChannel } from 'ssh2';
import { createHash } from 'node:crypto';
import type { HostKeyPrompt } from '../api/doctor.js';

export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export interface HostKeyStore {
  get(host: string, port: number): string | undefined;
  pin(host: string, port: number, fingerprint: string): void;
  forget(host: string, port: number): boolean;
}

export class HostKeyError extends Error {
  constructor(
    readonly kind: 'unknown' | 'changed',
    readonly prompt: HostKeyPrompt,
  ) {
    super(
      kind === 'changed'
        ? `WARNING: the SSH host key of ${prompt.host} has CHANGED (pinned ${prompt.pinned}, presented ${prompt.fingerprint}). ` +
            'This can mean someone is intercepting the connection. Connection refused; if the PBX was reinstalled, verify the new key and forget the pinned one first.'
        : `The SSH host key of ${prompt.host} is not pinned yet: ${prompt.fingerprint}. Verify it and accept it to continue.`,
    );
    this.name = 'HostKeyError';
  }
}

export class CancelledError extends Error {
  constructor(what: string) {
    super(`${what}: cancelled`);
    this.name = 'CancelledError';
  }
}

export interface SshAuth {
  password?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  /** Path of the agent socket (SSH_AUTH_SOCK). */
  agent?: string;
}

export interface SshConnectOptions {
  host: string;
  port: number;
  username: string;
  auth: SshAuth;
  hostKeys: HostKeyStore;
  /** The fingerprint the admin accepted; `true` accepts whatever is presented on first use (CLI --accept-host-key). */
  acceptHostKey?: string | true;
  /** sudo for privileged commands when the user is not root; password only when sudo asks for one. */
  sudo?: { use: boolean; password?: string };
  readyTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** Run with root rights (through sudo when the login user is not root). */
  privileged?: boolean;
}

/** What the checks and fixes need from the PBX: a shell. */
export interface RemoteShell {
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const MAX_OUTPUT = 1 << 20;

function hostLabel(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Handshake only: which key does the host present, and how does it compare to the pinned one? */
export async function probeHostKey(host: string, port: number, username: string, store: HostKeyStore, timeoutMs = 10_000): Promise<HostKeyPrompt> {
  const client = new Client();
  let seen: string | undefined;
  await new Promise<void>((resolve, reject) => {
    client.on('error', (err) => (seen ? resolve() : reject(new Error(`${hostLabel(host, port)}: ${err.message}`))));
    client.on('ready', () => resolve());
    client.connect({
      host,
      port,
      username,
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        seen = sshFingerprint(key);
        return false;
      },
    });
  }).finally(() => client.end());
  const pinned = store.get(host, port);
  const fingerprint = seen!;
  return { host: hostLabel(host, port), fingerprint, known: pinned === fingerprint, changed: pinned !== undefined && pinned !== fingerprint, ...(pinned && pinned !== fingerprint ? { pinned } : {}) };
}

export class SshSession implements RemoteShell {
  private sudoMode: 'none' | 'nopasswd' | 'password' = 'none';
  private closed = false;
  private readonly pending = new Set<(err: Error) => void>();

  private constructor(
    private readonly client: Client,
    private readonly opts: SshConnectOptions,
  ) {
    opts.signal?.addEventListener('abort', () => this.abort(), { once: true });
  }

  get label(): string {
    return hostLabel(this.opts.host, this.opts.port);
  }

  static async connect(opts: SshConnectOptions): Promise<SshSession> {
    if (opts.signal?.aborted) throw new CancelledError(`ssh ${hostLabel(opts.host, opts.port)}`);
    const client = new Client();
    let hostKeyError: HostKeyError | undefined;
    const cfg: ConnectConfig = {
      host: opts.host,
      port: opts.port,
      username: opts.username,
      readyTimeout: opts.readyTimeoutMs ?? 15_000,
      keepaliveInterval: 10_000,
      hostVerifier: (key: Buffer) => {
        const fingerprint = sshFingerprint(key);
        const pinned = opts.hostKeys.get(opts.host, opts.port);
        const prompt: HostKeyPrompt = { host: hostLabel(opts.host, opts.port), fingerprint, known: pinned === fingerprint, changed: pinned !== undefined && pinned !== fingerprint };
        if (pinned === fingerprint) return true;
        if (pinned !== undefined) {
          hostKeyError = new HostKeyError('changed', { ...prompt, pinned });
          return false;
        }
        if (opts.acceptHostKey === true || opts.acceptHostKey === fingerprint) {
          opts.hostKeys.pin(opts.host, opts.port, fingerprint);
          return true;
        }
        hostKeyError = new HostKeyError('unknown', prompt);
        return false;
      },
    };
    if (opts.auth.password !== undefined) cfg.password = opts.auth.password;
    if (opts.auth.privateKey !== undefined) cfg.privateKey = opts.auth.privateKey;
    if (opts.auth.passphrase !== undefined) cfg.passphrase = opts.auth.passphrase;
    if (opts.auth.agent !== undefined) cfg.agent = opts.auth.agent;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        client.end();
        reject(new CancelledError(`ssh ${hostLabel(opts.host, opts.port)}`));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      client.once('ready', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      client.once('error', (err) => {
        opts.signal?.removeEventListener('abort', onAbort);
        client.end();
        const where = `ssh ${opts.username}@${hostLabel(opts.host, opts.port)}`;
        if (hostKeyError) reject(hostKeyError);
        else if ((err as { level?: string }).level === 'client-authentication') reject(new Error(`${where}: authentication failed (${opts.auth.agent ? 'agent' : opts.auth.privateKey ? 'key' : 'password'})`));
        else reject(new Error(`${where}: ${err.message}`));
      });
      try {
        client.connect(cfg);
      } catch (err) {
        reject(new Error(`ssh ${hostLabel(opts.host, opts.port)}: ${(err as Error).message}`));
      }
    });
    const session = new SshSession(client, opts);
    client.on('close', () => session.abort(new Error(`ssh ${session.label}: connection closed`)));
    await session.setupSudo();
    return session;
  }

  private async setupSudo(): Promise<void> {
    if (!this.opts.sudo?.use) return;
    const id = await this.exec('id -u');
    if (id.stdout.trim() === '0') return;
    const probe = await this.exec('sudo -n true');
    if (probe.code === 0) {
      this.sudoMode = 'nopasswd';
      return;
    }
    if (/must have a tty|no tty present/i.test(probe.stderr)) throw new Error(`sudo on ${this.label}: sudo requires a terminal (Defaults requiretty); log in as root or allow this user without requiretty`);
    if (/not in the sudoers|may not run sudo|command not found/i.test(probe.stderr)) throw new Error(`sudo on ${this.label}: ${probe.stderr.trim()}`);
    if (!this.opts.sudo.password) throw new Error(`sudo on ${this.label}: a password is required (store the SSH/sudo password as a secret)`);
    this.sudoMode = 'password';
    const check = await this.exec('true', { privileged: true });
    if (check.code !== 0) throw new Error(`sudo on ${this.label}: the password was refused`);
  }

  private abort(err: Error = new CancelledError(`ssh ${this.label}`)): void {
    if (this.closed) return;
    this.closed = true;
    for (const fail of [...this.pending]) fail(err);
    this.client.end();
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new CancelledError(`ssh ${this.label}: ${command}`));
    let line = command;
    let stdin = opts.stdin;
    if (opts.privileged && this.sudoMode !== 'none') {
      if (this.sudoMode === 'nopasswd') line = `sudo -n sh -c ${shellQuote(command)}`;
      else {
        // -k: always ask, so the password line is always consumed by sudo and never reaches the command.
        line = `sudo -k -S -p '' sh -c ${shellQuote(command)}`;
        const pw = Buffer.from(`${this.opts.sudo!.password}\n`);
        stdin = stdin === undefined ? pw : Buffer.concat([pw, Buffer.from(stdin)]);
      }
    }
    const timeoutMs = opts.timeoutMs ?? 20_000;
    return new Promise<ExecResult>((resolve, reject) => {
      let channel: ClientChannel | undefined;
      let done = false;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      const finish = (e: Error | undefined, r?: ExecResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.pending.delete(fail);
        if (e) {
          channel?.close();
          reject(e);
        } else resolve(r!);
      };
      const fail = (e: Error) => finish(e);
      this.pending.add(fail);
      const timer = setTimeout(() => finish(new Error(`${command}: timed out after ${Math.round(timeoutMs / 1000)} s on ${this.label}`)), timeoutMs);
      this.client.exec(line, (e, ch) => {
        if (e) return finish(new Error(`${command}: ${e.message}`));
        if (done) return void ch.close();
        channel = ch;
        let code: number | null = null;
        ch.on('exit', (c: number | null) => {
          code = c;
        });
        ch.on('data', (d: Buffer) => {
          if ((outBytes += d.length) <= MAX_OUTPUT) out.push(d);
        });
        ch.stderr.on('data', (d: Buffer) => err.push(d));
        ch.on('close', () => finish(undefined, { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
        if (stdin !== undefined) ch.end(stdin);
        else ch.end();
      });
    });
  }

  close(): void {
    this.abort(new Error(`ssh ${this.label}: closed`));
  }
}
