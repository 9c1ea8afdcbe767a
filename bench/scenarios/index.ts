import { drainMulti, drainParallel, drainSerial } from './drain.js';
import { enqueueBatch, enqueueOne } from './enqueue.js';
import { latency } from './latency.js';
import type { ScenarioName } from './names.js';
import type { Scenario } from './scenario.js';
import { tablePressure } from './table-pressure.js';
import { workflow } from './workflow.js';

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  'enqueue-one': enqueueOne,
  'enqueue-batch': enqueueBatch,
  drain: drainParallel,
  'drain-serial': drainSerial,
  'drain-multi': drainMulti,
  latency,
  workflow,
  'table-pressure': tablePressure,
};
