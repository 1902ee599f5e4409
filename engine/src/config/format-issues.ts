/** Turns zod issues into messages that name the YAML path, the bad value and what is allowed (pure). */
import type { z } from 'zod';
import type { ConfigIssue } from '../api/config.js';

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function formatIssues(error: z.ZodError, input: unknown): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = pathOf(issue.path);
    const value = valueAt(input, issue.path);
    let message = issue.message;
    if (issue.code === 'invalid_value' && 'values' in issue) {
      message = `${show(value)} is not allowed (allowed: ${(issue.values as unknown[]).map((v) => String(v)).join(', ')})`;
    } else if (issue.code === 'unrecognized_keys' && 'keys' in issue) {
      message = `unknown key(s) ${(issue.keys as string[]).map((k) => `"${k}"`).join(', ')}`;
    } else if (issue.code === 'invalid_union' && issue.path.length > 0) {
      const type = value && typeof value === 'object' ? (value as Record<string, unknown>).type : undefined;
      message = type === undefined ? 'missing "type"' : `type ${show(type)} is not valid here: ${issue.message}`;
    } else if (issue.code === 'invalid_type') {
      message = value === undefined ? `is required (${issue.message})` : `${show(value)}: ${issue.message}`;
    } else if (issue.code !== 'custom' && value !== undefined) {
      message = `${show(value)}: ${issue.message}`;
    }
    return { path: path || '(root)', message };
  });
}
