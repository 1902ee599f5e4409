/**
 * Softphone account (SIP password in the secret store) and caller-side
 * test-call reports, linked to the engine's call record (issue 7).
 */
import { randomUUID } from 'node:crypto';
import type { EngineContext, EngineService } from '../engine-context.js';
import { ApiError, type SoftphoneAccount, type TestCallReport } from '../api/index.js';
import { registerSecretValue } from '../observability/logger.js';
import { readAccount, writeAccount, SIP_PASSWORD_SECRET } from './account-store.js';
import { TestCallsRepository } from './test-calls-repository.js';
import { ensureUtterances, resolveUtterance, DEFAULT_UTTERANCES } from './utterances.js';

/** The caller number the PBX will present for this account: the SIP URI's user part, else the auth user. */
export { DEFAULT_UTTERANCES };

function accountCallerNumber(account: { sipUri: string; authUser: string } | null): string | undefined {
  if (!account) return undefined;
  const user = account.sipUri.replace(/^sips?:/i, '').split('@')[0];
  return user || account.authUser || undefined;
}

export function createSoftphoneService(ctx: EngineContext): EngineService {
  const { db, secrets, log, dataDir } = ctx;
  const repo = new TestCallsRepository(db);
  let synthesis: Promise<void> | undefined;

  const passwordSet = () => {
    const v = secrets.get(SIP_PASSWORD_SECRET);
    return typeof v === 'string' && v.length > 0;
  };

  return {
    name: 'softphone',
    async start() {
      registerSecretValue(secrets.get(SIP_PASSWORD_SECRET));
      // Test-call caller turns, spoken locally; in the background so start-up never waits on it.
      synthesis = ensureUtterances(dataDir).then(
        (made) => {
          if (made) log.info({ made, dir: 'softphone/utterances' }, 'test-call utterances synthesized');
        },
        (err: Error) => log.warn({ err: err.message }, 'test-call utterances could not be synthesized; the page falls back to its own'),
      );
    },
    async stop(deadline: number) {
      if (!synthesis) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([synthesis, new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
    },
    resolveMedia: (path: string) => resolveUtterance(dataDir, path),
    contributeHealth() {},
    handlers: {
      'softphone.account': (): SoftphoneAccount | null => {
        const a = readAccount(db);
        return a ? { ...a, passwordSet: passwordSet() } : null;
      },
      'softphone.saveAccount': (args) => {
        const { password, ...rest } = args;
        let host: string;
        try {
          host = new URL(rest.wssUrl).host;
        } catch {
          throw new ApiError('bad_request', `wssUrl: "${rest.wssUrl}" is not a valid URL`, { path: 'wssUrl' });
        }
        if (!/^sips?:[^@\s]+@[^@\s]+$/.test(rest.sipUri) && !/^sips?:[^@\s]+$/.test(rest.sipUri)) {
          throw new ApiError('bad_request', 'sipUri: use sip:<extension>@<pbx host>', { path: 'sipUri' });
        }
        // A bare "sip:1001" gets the PBX host from the WSS URL.
        const sipUri = rest.sipUri.includes('@') ? rest.sipUri : `${rest.sipUri}@${host.replace(/:\d+$/, '')}`;
        writeAccount(db, {
          wssUrl: rest.wssUrl,
          sipUri,
          authUser: rest.authUser || sipUri.replace(/^sips?:/, '').split('@')[0]!,
          displayName: rest.displayName,
          iceServers: rest.iceServers,
        });
        if (password !== undefined) {
          if (password === '') secrets.delete(SIP_PASSWORD_SECRET);
          else {
            registerSecretValue(password);
            secrets.set(SIP_PASSWORD_SECRET, password);
          }
        }
        log.info({ wssUrl: rest.wssUrl, passwordChanged: password !== undefined }, 'softphone account saved');
        return { ok: true as const };
      },
      'softphone.credentials': () => ({ password: secrets.get(SIP_PASSWORD_SECRET) ?? null }),
      'testcalls.save': (args): TestCallReport => {
        const startedAtMs = Date.parse(args.startedAt);
        if (!Number.isFinite(startedAtMs)) {
          throw new ApiError('bad_request', `startedAt: "${args.startedAt}" is not an ISO date`, { path: 'startedAt' });
        }
        const engineCallId = repo.matchEngineCall(startedAtMs, accountCallerNumber(readAccount(db)));
        const report: TestCallReport = { id: randomUUID(), ...args, startedAt: new Date(startedAtMs).toISOString() };
        if (engineCallId) report.engineCallId = engineCallId;
        repo.insert(report);
        log.info({ testCall: report.id, destination: report.destination, engineCallId, answerMs: report.answerMs, greetingLatencyMs: report.greetingLatencyMs }, 'test call saved');
        return report;
      },
      'testcalls.list': () => {
        repo.relink(accountCallerNumber(readAccount(db)));
        return repo.list();
      },
    },
  };
}
