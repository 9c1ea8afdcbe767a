/** Every scenario, in the order they run and are reported. */
export const SCENARIO_NAMES = [
  'enqueue-one',
  'enqueue-batch',
  'drain',
  'drain-serial',
  'drain-multi',
  'latency',
  'workflow',
  'table-pressure',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];
