/**
 * Turns an SshTarget (the API shape: secrets by name only) into an open
 * SshSession: resolves the password / key passphrase from the secret store,
 * reads the identity file, or uses the local agent (SSH_AUTH_SOCK).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { z } from 'zod';
import type { sshTarget } from '../api/doctor.js';
import { registerSecretValue } from '../observability/logger.js';
import { SshSession, type HostKeyStore, type SshAuth } from './ssh-session.js';

export type ParsedTarget = z.output<typeof sshTarget>;

export interface ConnectDeps {
  hostKeys: HostKeyStore;
  secret(name: string): string | undefined;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** CLI --accept-host-key: pin whatever is presented on first use. */
  acceptAnyNewKey?: boolean;
}

/** Secret-store name for a sudo password when the login itself uses a key or the agent. */
const SUDO_SECRET = 'SSH_SUDO_PASSWORD';

function resolveAuth(t: ParsedTarget, deps: ConnectDeps): { auth: SshAuth; sudoPassword?: string } {
  const env = deps.env ?? process.env;
  const named = t.secretName ? deps.secret(t.secretName) : undefined;
  registerSecretValue(named);
  if (t.auth === 'password') {
    if (!named) throw new Error(`target.secretName: no password stored under "${t.secretName ?? '(unset)'}" for ${t.username}@${t.host}`);
    return { auth: { password: named }, sudoPassword: named };
  }
  const sudoPassword = deps.secret(SUDO_SECRET);
  registerSecretValue(sudoPassword);
  if (t.auth === 'agent') {
    const sock = env.SSH_AUTH_SOCK;
    if (!sock) throw new Error('target.auth: "agent" needs a running SSH agent (SSH_AUTH_SOCK is not set)');
    return { auth: { agent: sock }, sudoPassword };
  }
  const file = (t.identityFile ?? '~/.ssh/id_ed25519').replace(/^~(?=\/|$)/, homedir());
  let privateKey: Buffer;
  try {
    privateKey = readFileSync(file);
  } catch (err) {
    throw new Error(`target.identityFile: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return { auth: { privateKey, ...(named ? { passphrase: named } : {}) }, sudoPassword };
}

export async function connectTarget(t: ParsedTarget, deps: ConnectDeps): Promise<SshSession> {
  const { auth, sudoPassword } = resolveAuth(t, deps);
  return SshSession.connect({
    host: t.host,
    port: t.port,
    username: t.username,
    auth,
    hostKeys: deps.hostKeys,
    acceptHostKey: deps.acceptAnyNewKey ? true : t.acceptHostKey,
    sudo: { use: t.useSudo, password: sudoPassword },
    signal: deps.signal,
  });
}
