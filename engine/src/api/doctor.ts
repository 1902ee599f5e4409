import { z } from 'zod';
import { query, command, noArgs } from './define.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** The command run and its trimmed output. */
  evidence: { command: string; output: string }[];
  fix?: string;
  /** Ids of fixes (see FixPlan) that address this check. */
  fixIds?: string[];
}

export interface FixPlan {
  id: string;
  title: string;
  /** Unified diff for file edits, or the commands for dirs/symlinks. */
  diff: string;
  files: string[];
  commands: string[];
  alreadyApplied: boolean;
}

export interface ApplyResult {
  applied: string[];
  backups: { file: string; backup: string }[];
  before: CheckResult[];
  after: CheckResult[];
  reloadOutput?: string;
}

export const sshTarget = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1).max(64),
    auth: z.enum(['password', 'key', 'agent']),
    /** Secret-store name of the password or key passphrase (never the value). */
    secretName: z.string().max(64).optional(),
    identityFile: z.string().max(1024).optional(),
    useSudo: z.boolean().default(false),
    acceptHostKey: z.string().max(128).optional(),
    /** For tests and chroot-like setups: prefix for /etc/asterisk etc. */
    rootPrefix: z.string().max(1024).optional(),
  })
  .strict();
export type SshTarget = z.input<typeof sshTarget>;

export interface HostKeyPrompt {
  host: string;
  fingerprint: string;
  known: boolean;
  changed: boolean;
  /** The pinned fingerprint when `changed` (the presented one is `fingerprint`). */
  pinned?: string;
}

export const doctorMethods = {
  'doctor.hostKey': query<HostKeyPrompt>()(z.object({ target: sshTarget }).strict()),
  'doctor.run': command<CheckResult[]>()(z.object({ target: sshTarget }).strict()),
  'doctor.plan': query<FixPlan[]>()(z.object({ target: sshTarget }).strict()),
  'doctor.apply': command<ApplyResult>()(
    z.object({ target: sshTarget, fixIds: z.array(z.string().max(64)).min(1).max(32) }).strict(),
  ),
  'doctor.rollback': command<{ restored: string[] }>()(z.object({ target: sshTarget }).strict()),
  'doctor.cancel': command<{ ok: true }>()(noArgs),
  /** Forgets a pinned host key (after a legitimate PBX reinstall); the next run asks again. */
  'doctor.forgetHostKey': command<{ forgotten: boolean }>()(
    z.object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535).default(22) }).strict(),
  ),
};
