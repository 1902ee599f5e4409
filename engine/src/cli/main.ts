/**
 * `aava` command line: serve, sync --once, check-config, doctor.
 * Exit codes: 0 ok, 1 failed (invalid config, failed checks, sync errors), 2 usage.
 */
import { resolve, join } from 'node:path';
import { parseCli, USAGE, UsageError, configPathFrom } from './args.js';
import { loadConfigFile, ConfigError } from '../config/load.js';
import { createEngine } from '../engine.js';
import { ensureDashboard, DASHBOARD_DIR } from './dashboard-build.js';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export async function runCli(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`aava: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  const { command, values, positionals, rest } = parsed;
  if (command === 'help' || values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (command === 'doctor') {
    // Loaded lazily: ssh2 is only needed here.
    const { runDoctorCli } = await import('../doctor/doctor-cli.js');
    return runDoctorCli(rest, io);
  }
  if (command === 'check-config') {
    const file = positionals[0] ?? configPathFrom(values, io.env);
    try {
      const l = loadConfigFile(file);
      const c = l.config;
      io.stdout.write(
        `${l.path}: valid — default_provider ${c.default_provider}, ${Object.keys(c.contexts).length} contexts, ` +
          `${Object.keys(c.providers).length} providers, ${Object.keys(c.pipelines).length} pipelines, transport ${c.audio_transport}\n`,
      );
      for (const u of l.unresolved) io.stdout.write(`  note: \${${u.name}} at ${u.path} is not set\n`);
      return 0;
    } catch (err) {
      if (err instanceof ConfigError) {
        io.stderr.write(`${err.message}\n`);
        return 1;
      }
      throw err;
    }
  }
  const configPath = resolve(configPathFrom(values, io.env));
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined;

  if (command === 'sync') {
    if (!values.once) {
      io.stderr.write('aava: sync runs inside `aava serve` on its interval; use `aava sync --once` for a single run\n');
      return 2;
    }
    const { runSyncOnce } = await import('../recordings/sync-cli.js');
    try {
      return await runSyncOnce({ configPath, dataDir, json: values.json === true ? true : undefined, out: io.stdout });
    } catch (err) {
      io.stderr.write(`aava sync: ${(err as Error).message}\n`);
      return 1;
    }
  }

  // serve
  let dashboardDir: string | undefined;
  if (values['build-dashboard']) {
    try {
      dashboardDir = await ensureDashboard((m) => io.stdout.write(`${m}\n`));
    } catch (err) {
      io.stderr.write(`aava: dashboard build failed: ${(err as Error).message}\n`);
      return 1;
    }
  } else {
    dashboardDir = ensureDashboard.existing();
  }
  const port = typeof values.port === 'string' ? Number(values.port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    io.stderr.write(`aava: --port "${values.port}" is not a port number\n\n${USAGE}`);
    return 2;
  }
  let engine;
  try {
    engine = createEngine({
      configPath,
      dataDir,
      dashboardDir,
      http: { host: typeof values.host === 'string' ? values.host : undefined, port },
    });
    await engine.start();
  } catch (err) {
    if (err instanceof ConfigError) io.stderr.write(`aava: invalid config\n${err.message}\n`);
    else io.stderr.write(`aava: cannot start: ${(err as Error).message}\n`);
    await engine?.stop(2000).catch(() => undefined);
    return 1;
  }
  const addr = engine.http?.address();
  if (addr) io.stdout.write(`AAVA engine running — dashboard and API at http://${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}/ (data: ${engine.ctx.dataDir})\n`);
  if (!dashboardDir) io.stdout.write(`(dashboard not built: ${join(DASHBOARD_DIR, 'index.html')} missing — run \`npm run serve\` to build it)\n`);
  return new Promise<number>((resolveExit) => {
    const shutdown = (signal: string) => {
      io.stdout.write(`\n${signal}: stopping…\n`);
      void engine.stop(8000).then(() => resolveExit(0));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}
