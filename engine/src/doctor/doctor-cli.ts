/**
 * `aava doctor --ssh user@host …`: runs every check over SSH and prints a
 * table (or JSON lines with --json). Exit 0 when no check fails (with
 * --strict: when every check passes or is skipped), 1 otherwise, 2 on usage
 * errors. Host keys are pinned in the data dir's database, like the app.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import type { CheckResult } from '../api/doctor.js';
import { openDatabase } from '../store/database.js';
import { loadConfigFile } from '../config/load.js';
import { inputsFromConfig, defaultInputs } from './doctor-inputs.js';
import { runChecks } from './doctor-core.js';
import { connectTarget, type ParsedTarget } from './connect-target.js';
import { DbHostKeyStore } from './doctor-store.js';
import { HostKeyError } from './ssh-session.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export const DOCTOR_USAGE = `usage: aava doctor --ssh user@host [options]

  --ssh user@host          the PBX to check (required)
  --port N                 SSH port (default 22)
  --identity FILE          private key (passphrase from --passphrase-env)
  --passphrase-env VAR     environment variable holding the key passphrase
  --password-env VAR       environment variable holding the SSH password (also used for sudo)
  --sudo-password-env VAR  environment variable holding the sudo password (key/agent login)
  --no-sudo                never use sudo (default: sudo when the user is not root)
  --accept-host-key        pin the host key on first use (a changed key is always refused)
  --config FILE            the app's ai-agent.yaml (ARI user, contexts, transports)
  --data-dir DIR           where pinned host keys live (default: AI_ENGINE_DATA_DIR or ./data)
  --root-prefix DIR        prefix for /etc/asterisk, /var/spool/asterisk, … (tests, chroots)
  --json                   one JSON line per check
  --strict                 warnings count as failures
  --verbose                print each check's evidence (commands and their output)
`;

const ICON: Record<CheckResult['status'], string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

function usage(io: CliIo, msg: string): number {
  io.stderr.write(`aava doctor: ${msg}\n\n${DOCTOR_USAGE}`);
  return 2;
}

export async function runDoctorCli(argv: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        ssh: { type: 'string' },
        port: { type: 'string' },
        identity: { type: 'string' },
        'passphrase-env': { type: 'string' },
        'password-env': { type: 'string' },
        'sudo-password-env': { type: 'string' },
        'no-sudo': { type: 'boolean' },
        'accept-host-key': { type: 'boolean' },
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        'root-prefix': { type: 'string' },
        json: { type: 'boolean' },
        strict: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  if (values.help) {
    io.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  const m = typeof values.ssh === 'string' ? /^([^@\s]+)@([^@\s]+)$/.exec(values.ssh) : null;
  if (!m) return usage(io, '--ssh user@host is required');
  const [, username, host] = m as unknown as [string, string, string];
  const port = values.port === undefined ? 22 : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return usage(io, `--port: "${String(values.port)}" is not a port`);
  const envOf = (flag: string): string | undefined => {
    const name = values[flag];
    if (typeof name !== 'string') return undefined;
    const v = io.env[name];
    if (v === undefined) throw new Error(`--${flag}: environment variable ${name} is not set`);
    return v;
  };

  const secrets: Record<string, string> = {};
  let target: ParsedTarget;
  try {
    const password = envOf('password-env');
    const passphrase = envOf('passphrase-env');
    const sudoPassword = envOf('sudo-password-env');
    if (sudoPassword !== undefined) secrets.SSH_SUDO_PASSWORD = sudoPassword;
    const base = { host, port, username, useSudo: !values['no-sudo'] && username !== 'root', rootPrefix: values['root-prefix'] as string | undefined };
    if (password !== undefined) {
      secrets.cli_password = password;
      target = { ...base, auth: 'password', secretName: 'cli_password' };
    } else if (typeof values.identity === 'string') {
      if (passphrase !== undefined) secrets.cli_passphrase = passphrase;
      target = { ...base, auth: 'key', identityFile: resolve(values.identity), secretName: passphrase !== undefined ? 'cli_passphrase' : undefined };
    } else if (io.env.SSH_AUTH_SOCK) {
      target = { ...base, auth: 'agent' };
    } else {
      const key = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => join(homedir(), '.ssh', k)).find((p) => existsSync(p));
      if (!key) return usage(io, 'no --password-env, --identity, SSH agent or ~/.ssh/id_* key to log in with');
      target = { ...base, auth: 'key', identityFile: key };
    }
  } catch (err) {
    return usage(io, (err as Error).message);
  }

  let inputs;
  try {
    inputs = typeof values.config === 'string' ? inputsFromConfig(loadConfigFile(values.config, { env: io.env }).config, host, target.rootPrefix) : defaultInputs(host, target.rootPrefix);
  } catch (err) {
    io.stderr.write(`aava doctor: ${(err as Error).message}\n`);
    return 1;
  }

  const dataDir = resolve(typeof values['data-dir'] === 'string' ? values['data-dir'] : (io.env.AI_ENGINE_DATA_DIR ?? './data'));
  const db = openDatabase(join(dataDir, 'aava.db'));
  const json = !!values.json;
  const results: CheckResult[] = [];
  try {
    const session = await connectTarget(target, { hostKeys: new DbHostKeyStore(db), secret: (n) => secrets[n], env: io.env, acceptAnyNewKey: !!values['accept-host-key'] });
    try {
      if (!json) io.stdout.write(`aava doctor: ${username}@${host}:${port}\n`);
      await runChecks(session, inputs, (c) => {
        results.push(c);
        io.stdout.write(json ? `${JSON.stringify(c)}\n` : formatCheck(c, !!values.verbose));
      });
    } finally {
      session.close();
    }
  } catch (err) {
    if (err instanceof HostKeyError && err.kind === 'unknown') {
      io.stderr.write(`aava doctor: ${err.message}\nRe-run with --accept-host-key once you have compared it with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the PBX.\n`);
    } else io.stderr.write(`aava doctor: ${(err as Error).message}\n`);
    return 1;
  } finally {
    db.close();
  }
  const failed = results.filter((r) => r.status === 'fail' || (values.strict && r.status === 'warn'));
  if (!json) {
    const n = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
    io.stdout.write(`\n${n('pass')} passed, ${n('warn')} warnings, ${n('fail')} failed, ${n('skip')} skipped\n`);
  }
  return failed.length ? 1 : 0;
}

export function formatCheck(c: CheckResult, verbose = false): string {
  let s = `${ICON[c.status]}  ${c.id.padEnd(34)} ${c.title}\n`;
  if (c.status !== 'pass' && c.fix) s += `      fix: ${c.fix}${c.fixIds?.length ? ` [fix ids: ${c.fixIds.join(', ')}]` : ''}\n`;
  if (verbose) {
    for (const e of c.evidence) s += `      $ ${e.command}\n${e.output.split('\n').map((l) => `        ${l}`).join('\n')}\n`;
  }
  return s;
}
