/** The FOCUS 1.2 export of usage records; see docs/focus-export.md. */
export { FocusAggregator, type FocusGroup, type Unpriced } from './aggregate.js';
export {
  allowedValues,
  extensionColumns,
  type FocusColumn,
  type FocusRow,
  focusColumns,
  focusVersion,
  mandatoryColumns,
} from './columns.js';
export { type FocusExportOptions, type FocusExportSummary, focusRow, writeFocusCsv } from './write-focus.js';
