/** One versioned schema change: applied once, in version order, inside a transaction (store/database.ts: migrate). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
