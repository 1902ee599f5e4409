/**
 * Context edits through the `yaml` Document API, so comments, key order and
 * the rest of the file survive a save (pure: text in, text out).
 */
import { parseDocument, isMap, YAMLMap, Scalar } from 'yaml';
import type { ContextInput } from '../api/config.js';

function contextsMap(doc: ReturnType<typeof parseDocument>): YAMLMap {
  let node = doc.get('contexts', true);
  if (!isMap(node)) {
    node = new YAMLMap();
    doc.set('contexts', node);
  }
  return node as YAMLMap;
}

function setOrDelete(map: YAMLMap, key: string, value: string | undefined): void {
  if (value === undefined || value === '') {
    map.delete(key);
    return;
  }
  const existing = map.get(key, true);
  if (existing instanceof Scalar) {
    existing.value = value;
    if (value.includes('\n')) existing.type = Scalar.BLOCK_LITERAL;
    else if (existing.type === Scalar.BLOCK_LITERAL || existing.type === Scalar.BLOCK_FOLDED) existing.type = Scalar.QUOTE_DOUBLE;
  } else {
    const s = new Scalar(value);
    if (value.includes('\n')) s.type = Scalar.BLOCK_LITERAL;
    map.set(key, s);
  }
}

/** `voicemail: { mailbox: "2000@default" }` (options only when not the default u), or no voicemail key. */
function setVoicemail(map: YAMLMap, vm: ContextInput['voicemail']): void {
  if (!vm?.mailbox.trim()) {
    map.delete('voicemail');
    return;
  }
  const node = new YAMLMap();
  node.flow = true;
  const box = new Scalar(vm.mailbox.trim());
  box.type = Scalar.QUOTE_DOUBLE; // `*98` would otherwise read as an alias
  node.set('mailbox', box);
  if (vm.options !== undefined && vm.options !== 'u') node.set('options', vm.options);
  map.set('voicemail', node);
}

export function upsertContext(text: string, name: string, ctx: ContextInput, renameFrom?: string): string {
  const doc = parseDocument(text);
  const contexts = contextsMap(doc);
  let node: YAMLMap | undefined;
  if (renameFrom && renameFrom !== name) {
    const pair = contexts.items.find((p) => String((p.key as Scalar | undefined)?.value ?? p.key) === renameFrom);
    if (pair) {
      pair.key = new Scalar(name);
      node = isMap(pair.value) ? (pair.value as YAMLMap) : undefined;
    }
  }
  node ??= contexts.get(name, true) as YAMLMap | undefined;
  if (!isMap(node)) {
    node = new YAMLMap();
    contexts.set(name, node);
  }
  const map = node as YAMLMap;
  setOrDelete(map, 'greeting', ctx.greeting);
  setOrDelete(map, 'prompt', ctx.prompt);
  setOrDelete(map, 'provider', ctx.provider);
  setOrDelete(map, 'destination', ctx.destination);
  setOrDelete(map, 'failover', ctx.failover);
  setVoicemail(map, ctx.voicemail);
  const tools = ctx.tools ?? [];
  const seq = doc.createNode(tools);
  seq.flow = true;
  map.set('tools', seq);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export function deleteContext(text: string, name: string): string {
  const doc = parseDocument(text);
  const contexts = doc.get('contexts', true);
  if (isMap(contexts)) contexts.delete(name);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Contexts as written (before ${ENV} expansion), for the editor: taken from the loaded file, never parsed again. */
export function writtenContexts(asWritten: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const contexts = asWritten.contexts;
  return contexts !== null && typeof contexts === 'object' ? (contexts as Record<string, Record<string, unknown>>) : {};
}
