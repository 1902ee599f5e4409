/**
 * A fake FreePBX reachable over real SSH: OpenSSH's sshd on a loopback port
 * (throwaway host key, the current user with a generated key), a fake PBX
 * filesystem under a temp root, and stub asterisk / fwconsole / sudo / id
 * executables on the session's PATH (sshd_config SetEnv). The asterisk stub
 * replays the real CLI captures (copied per scenario into the stub dir at
 * test time) and reflects the config files the doctor writes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, copyFileSync, chmodSync, rmSync, existsSync, readdirSync, unlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, dirname } from 'node:path';
import { createServer, connect } from 'node:net';
import { hasFixtures, fixturePath } from '../../support/shared-fixtures.js';
import { defaultConstructedCli, coreShowSettings, DEFAULT_LAYOUT, type AsteriskDirsLayout } from './constructed-cli.js';

export const SSHD = '/usr/sbin/sshd';
/** Host-key pins kept in memory, as the app's store keeps them (the tests accept the fake's key on first use). */
export function memoryHostKeys() {
  const pins = new Map<string, string>();
  return { get: (h: string, p: number) => pins.get(`${h}:${p}`), pin: (h: string, p: number, f: string) => void pins.set(`${h}:${p}`, f), forget: () => true };
}

export const canRunSshd = existsSync(SSHD) && spawnSync('ssh-keygen', ['-?']).error === undefined;

export interface FakePbx {
  dir: string;
  root: string;
  stub: string;
  port: number;
  user: string;
  clientKey: string;
  clientKeyPub: string;
  hostKeyPub: string;
  /** Replace the CLI answers: copies the real captures, then applies overrides (null deletes). */
  scenario(overrides?: Record<string, string | null>): void;
  setFreePbx(on: boolean): void;
  /** Asterisk's [directories] (reported by `core show settings`, used by the stub to reflect config files); default /etc/asterisk etc. */
  setLayout(layout?: AsteriskDirsLayout): void;
  /** Makes `id -u` say 1000 and requires `password` for the stub sudo. */
  setSudo(password: string | undefined): void;
  log(name: 'asterisk' | 'sudo' | 'fwconsole'): string;
  clearLogs(): void;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`sshd exited: ${stderr()}`));
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (++tries > 100) reject(new Error(`sshd did not listen: ${stderr()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

const CLI_FILES = [
  'core-show-version',
  'module-show-like-ari',
  'module-show-like-audiosocket',
  'module-show-like-chan_rtp',
  'http-show-status',
  'ari-show-users',
  'ari-show-status',
  'pjsip-show-transports',
  'dialplan-show-from-ai-agent',
];

export const WEBSOCKET_MODULE = 'Module                         Description                              Use Count  Status      Support Level\nres_http_websocket.so          HTTP WebSocket Support                   3          Running              core\n1 modules loaded\n';

export async function startFakePbx(opts: { passwordAuth?: boolean } = {}): Promise<FakePbx> {
  const dir = mkdtempSync(join(tmpdir(), 'aava-doctor-pbx-'));
  chmodSync(dir, 0o755); // a throwaway non-root login user must reach the stubs and the fake root
  const root = join(dir, 'root');
  const stub = join(dir, 'stub');
  for (const d of ['etc/asterisk', 'var/spool/asterisk/monitor', 'var/lib/asterisk/sounds', 'mnt']) mkdirSync(join(root, d), { recursive: true });
  mkdirSync(join(stub, 'bin'), { recursive: true });
  mkdirSync(join(stub, 'cli'), { recursive: true });
  writeFileSync(join(stub, 'root-prefix'), root);
  copyFileSync(join(import.meta.dirname, 'stub-asterisk.mjs'), join(stub, 'stub-asterisk.mjs'));
  // Plain replays in bash (fast); anything that reflects the fake PBX's files goes to the node stub.
  writeFileSync(
    join(stub, 'bin', 'asterisk'),
    `#!/bin/bash
S=${stub}; E=$(cat "$S/etc-dir" 2>/dev/null || echo ${root}/etc/asterisk)
[ "$1" = "-rx" ] || exec node "$S/stub-asterisk.mjs" "$@"
f="$S/cli/$(printf '%s' "$2" | tr ' ' '-').txt"
if [ ! -f "$S/cli/core-show-version.txt" ]; then exec node "$S/stub-asterisk.mjs" "$@"; fi
case "$2" in
  "core show version"|"ari show status"|"pjsip show transports"|"pjsip show endpoints"|"core show settings") if [ -f "$f" ]; then echo "$2" >> "$S/asterisk.log"; cat "$f"; exit 0; fi;;
  "module show like "*) if [ ! -f "$S/loaded.txt" ] && [ -f "$f" ]; then echo "$2" >> "$S/asterisk.log"; cat "$f"; exit 0; fi;;
  "dialplan show "*) c="\${2#dialplan show }"; if ! grep -qsF "[$c]" "$E/extensions_custom.conf" "$E/extensions.conf"; then echo "$2" >> "$S/asterisk.log"; if [ -f "$f" ]; then cat "$f"; else printf "There is no existence of '%s' context\\nCommand '%s' failed.\\n" "$c" "$2"; fi; exit 0; fi;;
esac
exec node "$S/stub-asterisk.mjs" "$@"
`,
  );
  writeFileSync(
    join(stub, 'bin', 'fwconsole.on'),
    `#!/bin/bash\necho "fwconsole $*" >> ${stub}/fwconsole.log\ncase "$1" in -V) echo "FreePBX 16.0.41.1";; reload) echo "Reload Complete";; *) echo "ok";; esac\n`,
  );
  writeFileSync(
    join(stub, 'bin', 'sudo'),
    `#!/bin/bash
nonint=; while [ $# -gt 0 ]; do case "$1" in -n) nonint=1; shift;; -k|-S) shift;; -p) shift 2;; --) shift; break;; -*) shift;; *) break;; esac; done
expected=$(cat ${stub}/sudo-password 2>/dev/null)
if [ -n "$expected" ]; then
  if [ -n "$nonint" ]; then echo "sudo: a password is required" >&2; exit 1; fi
  IFS= read -r pw || pw=
  if [ "$pw" != "$expected" ]; then echo "Sorry, try again." >&2; exit 1; fi
fi
echo "sudo $*" >> ${stub}/sudo.log
exec "$@"
`,
  );
  writeFileSync(join(stub, 'bin', 'id'), `#!/bin/bash\nif [ -f ${stub}/nonroot ] && [ "$1" = "-u" ]; then echo 1000; exit 0; fi\nexec /usr/bin/id "$@"\n`);
  for (const f of readdirSync(join(stub, 'bin'))) chmodSync(join(stub, 'bin', f), 0o755);

  const keygen = (file: string, comment: string) => {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
    if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
  };
  keygen(join(dir, 'host_ed25519'), 'aava-test-host');
  keygen(join(dir, 'client_ed25519'), 'aava-test-client');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  const port = await freePort();
  const path = [join(stub, 'bin'), dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      `PasswordAuthentication ${opts.passwordAuth ? 'yes' : 'no'}`,
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      `SetEnv PATH=${path}`,
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  if (userInfo().uid === 0) mkdirSync('/run/sshd', { recursive: true });
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await waitForPort(port, child, () => err);

  let layout = DEFAULT_LAYOUT;
  const pbx: FakePbx = {
    dir,
    root,
    stub,
    port,
    user: userInfo().username,
    clientKey: join(dir, 'client_ed25519'),
    clientKeyPub: join(dir, 'client_ed25519.pub'),
    hostKeyPub: join(dir, 'host_ed25519.pub'),
    scenario(overrides = {}) {
      rmSync(join(stub, 'cli'), { recursive: true, force: true });
      rmSync(join(stub, 'loaded.txt'), { force: true });
      mkdirSync(join(stub, 'cli'));
      if (hasFixtures) for (const f of CLI_FILES) copyFileSync(fixturePath('cli', `${f}.txt`), join(stub, 'cli', `${f}.txt`));
      writeFileSync(join(stub, 'cli', 'module-show-like-res_http_websocket.txt'), WEBSOCKET_MODULE);
      for (const [name, text] of Object.entries(defaultConstructedCli(layout))) writeFileSync(join(stub, 'cli', `${name}.txt`), text);
      for (const [name, text] of Object.entries(overrides)) {
        if (text === null) rmSync(join(stub, 'cli', `${name}.txt`), { force: true });
        else writeFileSync(join(stub, 'cli', `${name}.txt`), text);
      }
    },
    setLayout(next = DEFAULT_LAYOUT) {
      layout = next;
      writeFileSync(join(stub, 'etc-dir'), join(root, next.configDir));
      writeFileSync(join(stub, 'cli', 'core-show-settings.txt'), coreShowSettings(next));
    },
    setFreePbx(on) {
      const fw = join(stub, 'bin', 'fwconsole');
      if (on && !existsSync(fw)) copyFileSync(join(stub, 'bin', 'fwconsole.on'), fw);
      if (on) chmodSync(fw, 0o755);
      if (!on && existsSync(fw)) unlinkSync(fw);
    },
    setSudo(password) {
      if (password === undefined) {
        rmSync(join(stub, 'nonroot'), { force: true });
        rmSync(join(stub, 'sudo-password'), { force: true });
      } else {
        writeFileSync(join(stub, 'nonroot'), '');
        writeFileSync(join(stub, 'sudo-password'), password);
      }
    },
    log(name) {
      const f = join(stub, `${name}.log`);
      return existsSync(f) ? readFileSync(f, 'utf8') : '';
    },
    clearLogs() {
      for (const n of ['asterisk', 'sudo', 'fwconsole']) rmSync(join(stub, `${n}.log`), { force: true });
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pbx.scenario();
  pbx.setFreePbx(true);
  return pbx;
}
