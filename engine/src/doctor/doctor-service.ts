/**
 * FreePBX doctor over SSH (issue 9): control-API handlers doctor.hostKey,
 * run, plan, apply, rollback, cancel and forgetHostKey. Each call opens its
 * own SSH session; doctor.cancel aborts every call in flight. Checks are
 * streamed as `doctor.check` events while a run is going.
 */
import type { EngineContext, EngineService } from '../engine-context.js';
import { ApiError, type CheckResult } from '../api/index.js';
import { inputsFromConfig } from './doctor-inputs.js';
import { runChecks, planFixes, applyFixes, rollbackLast, FixError } from './doctor-core.js';
import { connectTarget, type ParsedTarget } from './connect-target.js';
import { DbHostKeyStore, DbApplyLedger } from './doctor-store.js';
import { HostKeyError, CancelledError, probeHostKey, type SshSession } from './ssh-session.js';
import type { DoctorInputs } from './doctor-inputs.js';
import { effectiveSettings } from '../recordings/recordings-settings.js';
import { RecordingsRepo } from '../recordings/recordings-repo.js';
import { registerSecretValue } from '../observability/logger.js';
import { readAccount } from '../softphone/account-store.js';

export function createDoctorService(ctx: EngineContext): EngineService {
  const hostKeys = new DbHostKeyStore(ctx.db);
  const ledger = new DbApplyLedger(ctx.db);
  const inflight = new Set<AbortController>();
  const recordingsRepo = new RecordingsRepo(ctx.db);

  /** The app's side: the running config, with the recordings settings saved from the Settings page on top. */
  const inputsFor = (target: ParsedTarget): DoctorInputs => {
    const cfg = ctx.config.current();
    const inp = inputsFromConfig(cfg, target.host, target.rootPrefix);
    try {
      const r = effectiveSettings(cfg.recordings, recordingsRepo, ctx.secrets, cfg.asterisk);
      inp.recordings = r.enabled ? { host: r.host, port: r.port, tls: r.tls, username: r.username, password: r.password, trustFingerprint: r.trustFingerprint } : undefined;
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, 'doctor: recordings settings unreadable; using the config file');
    }
    const phone = readAccount(ctx.db);
    const user = phone ? phone.authUser || /^sip:([^@;]+)@/.exec(phone.sipUri)?.[1] : undefined;
    if (user) inp.softphoneEndpoint = user;
    registerSecretValue(inp.ari.password);
    registerSecretValue(inp.recordings?.password);
    return inp;
  };

  const toApiError = (err: unknown): ApiError => {
    if (err instanceof ApiError) return err;
    if (err instanceof HostKeyError) return new ApiError('conflict', err.message, { path: 'target.acceptHostKey' });
    if (err instanceof CancelledError) return new ApiError('conflict', err.message);
    if (err instanceof FixError) return err.kind === 'unknown-id' ? new ApiError('bad_request', err.message, { path: 'fixIds' }) : new ApiError('internal', err.message);
    const msg = (err as Error).message ?? String(err);
    const path = /^target\.\w+/.exec(msg)?.[0];
    return new ApiError(path ? 'bad_request' : 'internal', msg, path ? { path } : {});
  };

  async function withSession<T>(target: ParsedTarget, what: string, fn: (s: SshSession, inp: DoctorInputs) => Promise<T>): Promise<T> {
    const ac = new AbortController();
    inflight.add(ac);
    const started = Date.now();
    ctx.log.info({ host: target.host, port: target.port, user: target.username, auth: target.auth }, `doctor ${what}`);
    try {
      const session = await connectTarget(target, { hostKeys, secret: (n) => ctx.secrets.get(n), signal: ac.signal });
      try {
        return await fn(session, inputsFor(target));
      } finally {
        session.close();
      }
    } catch (err) {
      const e = toApiError(err);
      ctx.log.warn({ host: target.host, port: target.port, code: e.code, err: e.message }, `doctor ${what} failed`);
      throw e;
    } finally {
      inflight.delete(ac);
      ctx.log.debug({ host: target.host, durationMs: Date.now() - started }, `doctor ${what} done`);
    }
  }

  const publish = (check: CheckResult) => ctx.bus.publish({ type: 'doctor.check', check });

  return {
    name: 'doctor',
    async start() {},
    async stop() {
      for (const ac of inflight) ac.abort();
    },
    handlers: {
      'doctor.hostKey': async ({ target }) => {
        try {
          return await probeHostKey(target.host, target.port, target.username, hostKeys);
        } catch (err) {
          throw toApiError(err);
        }
      },
      'doctor.run': ({ target }) => withSession(target, 'run', async (s, inp) => (await runChecks(s, inp, publish)).results),
      'doctor.plan': ({ target }) => withSession(target, 'plan', async (s, inp) => planFixes(await runChecks(s, inp, publish), inp).plans),
      'doctor.apply': ({ target, fixIds }) => withSession(target, 'apply', (s, inp) => applyFixes(s, inp, fixIds, ledger, { host: target.host, port: target.port }, publish)),
      'doctor.rollback': ({ target }) =>
        withSession(target, 'rollback', async (s, inp) => {
          const r = await rollbackLast(s, inp, ledger, { host: target.host, port: target.port });
          if (!r) throw new ApiError('not_found', `nothing to roll back on ${target.host}:${target.port}`);
          return { restored: r.restored };
        }),
      'doctor.cancel': () => {
        for (const ac of inflight) ac.abort();
        return { ok: true as const };
      },
      'doctor.forgetHostKey': ({ host, port }) => ({ forgotten: hostKeys.forget(host, port) }),
    },
  };
}
