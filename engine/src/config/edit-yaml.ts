/** Comment-preserving scalar edits of the config text (pure: text in, text out). */
import { parseDocument, isScalar, type Scalar } from 'yaml';

export function setScalars(text: string, edits: { path: (string | number)[]; value: string | number | boolean }[]): string {
  const doc = parseDocument(text);
  for (const { path, value } of edits) {
    const existing = doc.getIn(path, true);
    if (isScalar(existing)) (existing as Scalar).value = value;
    else doc.setIn(path, value);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
