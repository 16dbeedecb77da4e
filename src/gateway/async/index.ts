export { type AsyncLaneOptions, type AsyncLaneRunner, createAsyncLane } from './lane.js';
export { costHeader, laneHeader } from './polling.js';
