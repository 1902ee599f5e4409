/** Child process for the crash test: one `sync --once` against a config and data dir given on the command line. */
import { runSyncOnce } from '../../../engine/src/recordings/sync-cli.js';

const [configPath, dataDir] = process.argv.slice(2);
process.exitCode = await runSyncOnce({ configPath, dataDir, json: true, out: process.stdout, analyze: false });
