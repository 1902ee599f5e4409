/** The committed test-only certificate (see test/fakes/certs/README.md). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../certs/', import.meta.url));
export const TEST_CA_FILE = `${dir}ca.pem`;
export const testTls = (): { key: Buffer; cert: Buffer } => ({ key: readFileSync(`${dir}server.key`), cert: readFileSync(`${dir}server.pem`) });
