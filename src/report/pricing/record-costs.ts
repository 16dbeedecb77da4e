import { createPriceBook, type PriceBook } from '../../prices/index.js';
import type { Lane, ModelPrice } from '../../prices/types.js';
import type { UsageRecord } from '../usage-record.js';
import { type LaneCost, laneCostFor } from './lane-rates.js';

/**
 * What one usage row cost and what it would have cost in each lane, in nano-USD. `null` means
 * "cannot be known" (a model nobody priced, a lane the model does not offer): it is counted as
 * unpriced by every view, never summed as zero.
 */
export interface RecordCosts {
  /** What was paid: the source's own figure when it has one, else the catalog price of its lane. */
  paid: number | null;
  /** Whether `paid` came from the source (true) or from the price book (false). */
  paidFromSource: boolean;
  realtime: number | null;
  flex: number | null;
  batch: number | null;
}

export interface RecordPricer {
  /** The row's costs, in an object reused by the next call: read it before pricing another row. */
  costs(record: UsageRecord): RecordCosts;
  /** Whether the model offers the lane at all (false for unknown models). */
  offers(provider: string, model: string, lane: Lane): boolean;
}

/**
 * Prices rows with one price book, looking each (provider, model) up once: a report over
 * millions of rows asks about a handful of models.
 */
export function createRecordPricer(book: PriceBook = createPriceBook()): RecordPricer {
  const models = new Map<string, ModelCosts>();
  let lastKey = '';
  let last: ModelCosts | undefined;
  const costsOf = (provider: string, model: string): ModelCosts => {
    const key = `${provider}\u0000${model}`;
    if (key === lastKey && last) return last;
    let found = models.get(key);
    if (!found) {
      const price = book.priceFor(provider, model);
      found = {
        price,
        realtime: laneCostFor(price, 'realtime'),
        flex: laneCostFor(price, 'flex'),
        batch: laneCostFor(price, 'batch'),
      };
      models.set(key, found);
    }
    lastKey = key;
    last = found;
    return found;
  };

  // One object reused for every row: millions of rows would otherwise mean millions of
  // short-lived objects for the garbage collector.
  const scratch: RecordCosts = { paid: null, paidFromSource: false, realtime: null, flex: null, batch: null };
  return {
    costs(record) {
      const model = costsOf(record.provider, record.model);
      scratch.realtime = model.realtime(record);
      scratch.flex = model.flex(record);
      scratch.batch = model.batch(record);
      const fromBook =
        record.lane === 'realtime' ? scratch.realtime : record.lane === 'flex' ? scratch.flex : scratch.batch;
      const fromSource = record.costNanoUsd;
      scratch.paidFromSource = fromSource !== undefined && Number.isFinite(fromSource);
      scratch.paid = scratch.paidFromSource ? Math.round(fromSource!) : fromBook;
      return scratch;
    },
    offers(provider, model, lane) {
      return costsOf(provider, model).price?.[lane] !== undefined;
    },
  };
}

interface ModelCosts {
  price: ModelPrice | undefined;
  realtime: LaneCost;
  flex: LaneCost;
  batch: LaneCost;
}
