/**
 * The fake ARI for the recordings bench, in its own process so the sync's
 * CPU and RSS are measured alone. argv: <count> <bytesPerWav>. Prints the
 * port on stdout, serves until stdin closes.
 */
import { FakeAriRecordingsServer } from '../../test/fakes/ari-recordings/server.js';
import { toneWav, freepbxName } from '../../test/fakes/ari-recordings/recordings-set.js';

const count = Number(process.argv[2] ?? 2000);
const durationMs = Number(process.argv[3] ?? 200);
const server = new FakeAriRecordingsServer();
const wavs = Array.from({ length: 16 }, (_, i) => toneWav(i, durationMs));
for (let i = 0; i < count; i++) server.add(freepbxName(i), wavs[i % wavs.length]!);
const port = await server.listen();
process.stdout.write(`${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
