import type { ConfigIssue } from '../../api/contract';

/** Config issues under a form field, with their YAML paths (the field's aria-describedby points here). */
export function FieldIssues({ id, issues }: { id: string; issues: ConfigIssue[] | undefined }) {
  if (!issues?.length) return null;
  return (
    <ul id={id} className="field-issues" role="alert">
      {issues.map((i, n) => (
        <li key={n}>
          <code>{i.path}</code>: {i.message}
        </li>
      ))}
    </ul>
  );
}
