/**
 * `@promql-ts/storage-mem`: the in-memory reference implementation of the promql-ts
 * storage interface, with streaming loaders for the Prometheus text exposition format and
 * OpenMetrics.
 */

export { compareStrings } from '@promql-ts/engine';
export {
  InvalidLabelsError,
  isStorageError,
  StorageError,
  type StorageErrorCode,
  TextParseError,
} from './errors.js';
export { type LabelsInput, normalizeLabels } from './labels.js';
export {
  type AppendStatus,
  type DeleteResult,
  MemoryStorage,
  type MemoryStorageOptions,
  type OutOfOrderPolicy,
  type RejectionReason,
  type SampleRejection,
  type StorageStats,
  type WriteResult,
} from './memory-storage.js';
export {
  type LoadProgress,
  type LoadResult,
  type LoadTextOptions,
  loadText,
  type TextChunk,
  type TextInput,
} from './text/load-text.js';
export type { TextFormat } from './text/parser.js';
export { isStaleNaN, NORMAL_NAN, STALE_NAN } from './values.js';
