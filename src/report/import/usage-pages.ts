import type { ImportIssue } from '../usage-record.js';
import { problemMessage } from './field-checks.js';
import { type JsonItem, positionIn, readJsonItems } from './json-items.js';
import { isObject } from './row-tools.js';

/**
 * The buckets of paged usage reports (OpenAI's organization usage API, Anthropic's usage report):
 * a file holds one page, an array of pages or one page per line, and each page has
 * `data: [{ …bucket, results: […] }]`. Yields each result with its bucket and JSON path.
 */

export interface BucketResult {
  bucket: Record<string, unknown>;
  result: Record<string, unknown>;
  position: string;
}

export async function* readBucketResults(
  path: string,
  onIssue: (issue: ImportIssue) => void,
): AsyncGenerator<BucketResult> {
  for await (const item of readJsonItems(path, { onIssue })) {
    yield* resultsOfPage(item, path, onIssue);
  }
}

function* resultsOfPage(
  item: JsonItem,
  path: string,
  onIssue: (issue: ImportIssue) => void,
): Generator<BucketResult> {
  const page = item.value;
  const buckets = isObject(page) ? page['data'] : undefined;
  if (!Array.isArray(buckets)) {
    onIssue({
      path,
      position: positionIn(item, '') || '$',
      message: 'data: expected a usage page, an object with a data array of buckets',
    });
    return;
  }
  for (let bucketIndex = 0; bucketIndex < buckets.length; bucketIndex++) {
    const bucket = buckets[bucketIndex];
    const bucketPath = `data[${bucketIndex}]`;
    const results = isObject(bucket) ? bucket['results'] : undefined;
    if (!isObject(bucket) || !Array.isArray(results)) {
      onIssue({
        path,
        position: positionIn(item, bucketPath),
        message: 'results: expected a bucket with a results array',
      });
      continue;
    }
    for (let resultIndex = 0; resultIndex < results.length; resultIndex++) {
      const result = results[resultIndex];
      const position = positionIn(item, `${bucketPath}.results[${resultIndex}]`);
      if (!isObject(result)) {
        onIssue({ path, position, message: 'expected a usage result (a JSON object)' });
        continue;
      }
      yield { bucket, result, position };
    }
  }
}

/** Runs `convert` on one result; a problem it raises becomes an issue at the result's place. */
export function convertResult<Output>(
  entry: BucketResult,
  path: string,
  onIssue: (issue: ImportIssue) => void,
  convert: (entry: BucketResult) => Output,
): Output | undefined {
  try {
    return convert(entry);
  } catch (error) {
    onIssue({ path, position: entry.position, message: problemMessage(error) });
    return undefined;
  }
}
