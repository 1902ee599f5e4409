/**
 * All migrations, in order. Version ranges by owner so parallel work never
 * collides: 1–9 core/calls, 10–19 recordings, 20–29 softphone, 30–39 doctor,
 * 40–49 integrations.
 */
import type { Migration } from './migration.js';
import { migration001 } from './001-initial.js';
import { migration002 } from './002-turn-stages.js';
import { migration003 } from './003-provider-failures.js';
import { migration010 } from './010-recordings-sync.js';
import { migration011 } from './011-recordings-change-check.js';
import { migration020 } from './020-softphone.js';
import { migration030 } from './030-doctor-backups.js';
import { migration040 } from './040-integrations.js';

export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration010, migration011, migration020, migration030, migration040];
