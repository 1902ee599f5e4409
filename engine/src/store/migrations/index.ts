/**
 * All migrations, in order. Version ranges by owner so parallel work never
 * collides: 1–9 core/calls, 10–19 recordings, 20–29 softphone, 30–39 doctor.
 */
import type { Migration } from '../database.js';
import { migration001 } from './001-initial.js';
import { migration020 } from './020-softphone.js';

export const migrations: readonly Migration[] = [migration001, migration020];
