import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** A line and column in a YAML file, both counted from 1 as editors show them. */
export interface Position {
  line: number;
  column: number;
}

/** A problem found in a YAML file: where, which field, and what was expected. */
export interface SourceIssue {
  position: Position;
  /** The field as a user would look for it (`workloads.eval-*.deadline`); empty for the whole file. */
  field: string;
  message: string;
}

/** A YAML file read into plain values, able to say where any field of it was written. */
export interface YamlSource {
  value: unknown;
  /**
   * Where `path` is written: the key itself with `key: true` (for an unknown or misspelt key),
   * else its value. A path that is not in the file (a missing field) points at the nearest
   * enclosing entry that is.
   */
  locate(path: readonly PropertyKey[], options?: { key?: boolean }): Position;
}

/** Parses YAML, or returns its syntax errors (all of them, each with its place). */
export function readYaml(text: string): { source: YamlSource } | { issues: SourceIssue[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const positionAt = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (document.errors.length > 0) {
    return {
      issues: document.errors.map((error) => ({
        position: positionAt(error.pos[0]),
        field: '',
        message: `YAML syntax: ${error.message.split('\n')[0]}`,
      })),
    };
  }
  return {
    source: {
      value: document.toJS({ maxAliasCount: 100 }) ?? {},
      locate: (path, options = {}) => positionAt(offsetOf(document, path, options.key ?? false)),
    },
  };
}

function offsetOf(document: Document, path: readonly PropertyKey[], wantKey: boolean): number {
  let node: unknown = document.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) return offset;
      const keyStart = rangeStart(pair.key);
      const valueStart = rangeStart(pair.value);
      // `name:` with nothing after it has no value node: point at the key.
      offset = (last && wantKey ? keyStart : (valueStart ?? keyStart)) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) return offset;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/** `spendwall.yaml:12:5: workloads.eval-*.deadline: expected a duration like 15m, 12h, 24h` */
export function formatIssue(file: string, issue: SourceIssue): string {
  const where = `${file}:${issue.position.line}:${issue.position.column}`;
  return issue.field ? `${where}: ${issue.field}: ${issue.message}` : `${where}: ${issue.message}`;
}
