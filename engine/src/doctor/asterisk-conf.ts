/**
 * A comment-preserving reader/writer for Asterisk's INI-ish config files
 * (http_custom.conf, ari*.conf, extensions_custom.conf). Edits touch only
 * the lines they must; everything else (comments, blank lines, #include,
 * ;-- block comments --;) is kept byte for byte.
 */

export interface ConfEntry {
  key: string;
  /** "=" or "=>" */
  op: string;
  value: string;
  /** Index into lines. */
  line: number;
}

export interface ConfSection {
  name: string;
  /** Template/option suffix such as "(!)" or "(+)"; empty for plain sections. */
  options: string;
  /** Index of the "[name]" line. */
  header: number;
  /** Index one past the section's last line. */
  end: number;
  entries: ConfEntry[];
}

/** Strips an unescaped ";" comment (Asterisk escapes a literal semicolon as "\;"). */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === ';' && line[i - 1] !== '\\') return line.slice(0, i);
  }
  return line;
}

export class AsteriskConf {
  private lines: string[];
  private eol: string;
  private trailingNewline: boolean;
  sections: ConfSection[] = [];

  constructor(text: string) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
    this.trailingNewline = text === '' || text.endsWith('\n');
    const body = text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
    this.lines = body === '' ? [] : body.split(/\r?\n/);
    this.reindex();
  }

  private reindex(): void {
    this.sections = [];
    let current: ConfSection | undefined;
    let inBlock = false;
    this.lines.forEach((raw, i) => {
      let line = raw;
      if (inBlock) {
        const close = line.indexOf('--;');
        if (close < 0) return;
        inBlock = false;
        line = line.slice(close + 3);
      }
      const open = line.indexOf(';--');
      if (open >= 0 && line.indexOf('--;', open + 3) < 0) {
        inBlock = true;
        line = line.slice(0, open);
      }
      const text = stripComment(line).trim();
      if (!text || text.startsWith('#')) return;
      const head = /^\[([^\]]+)\]\s*(\(.*\))?$/.exec(text);
      if (head) {
        if (current) current.end = i;
        current = { name: head[1]!.trim(), options: head[2] ?? '', header: i, end: this.lines.length, entries: [] };
        this.sections.push(current);
        return;
      }
      const kv = /^([^=]+?)\s*(=>|=)\s*(.*)$/.exec(text);
      if (kv && current) current.entries.push({ key: kv[1]!.trim(), op: kv[2]!, value: kv[3]!.trim(), line: i });
    });
    if (current) current.end = this.lines.length;
  }

  section(name: string): ConfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Last value of key in the first section with that name. */
  get(section: string, key: string): string | undefined {
    const s = this.section(section);
    const e = s?.entries.filter((x) => x.key.toLowerCase() === key.toLowerCase()).at(-1);
    return e?.value;
  }

  /** The raw lines of a section's body (without its header). */
  bodyLines(section: string): string[] | undefined {
    const s = this.section(section);
    return s ? this.lines.slice(s.header + 1, s.end) : undefined;
  }

  /** Sets key = value in section (creating both if needed); keeps comments and layout. */
  set(section: string, key: string, value: string): void {
    const s = this.section(section);
    if (!s) {
      this.appendSection(section, [`${key} = ${value}`]);
      return;
    }
    const e = s.entries.filter((x) => x.key.toLowerCase() === key.toLowerCase()).at(-1);
    if (e) {
      if (e.value === value) return;
      const raw = this.lines[e.line]!;
      const m = /^(\s*[^=;]+?\s*(?:=>|=)\s*)([^;]*?)(\s*(?:;.*)?)$/.exec(raw);
      this.lines[e.line] = m ? `${m[1]}${value}${m[3]}` : `${key} = ${value}`;
    } else {
      const after = s.entries.length ? s.entries.at(-1)!.line + 1 : s.header + 1;
      this.lines.splice(after, 0, `${key} = ${value}`);
    }
    this.reindex();
  }

  /** Appends "[name]" with the given body lines at the end, separated by a blank line. */
  appendSection(name: string, body: string[], options = ''): void {
    if (this.lines.length && this.lines.at(-1)!.trim() !== '') this.lines.push('');
    this.lines.push(`[${name}]${options}`, ...body);
    this.trailingNewline = true;
    this.reindex();
  }

  /** Replaces a section's body (keeping its header and any trailing blank lines). */
  replaceSectionBody(name: string, body: string[]): void {
    const s = this.section(name);
    if (!s) {
      this.appendSection(name, body);
      return;
    }
    let end = s.end;
    while (end > s.header + 1 && this.lines[end - 1]!.trim() === '') end--;
    this.lines.splice(s.header + 1, end - s.header - 1, ...body);
    this.reindex();
  }

  toString(): string {
    if (!this.lines.length) return '';
    return this.lines.join(this.eol) + (this.trailingNewline ? this.eol : '');
  }
}
