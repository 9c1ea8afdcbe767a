import { expect } from 'vitest';
import { countById, type Execution } from '../../processes/support/execution-log.js';

/** What a drain's history shows, per the invariants every fault scenario checks. */
export interface DrainFigures {
  acknowledged: number;
  /** Acknowledged instances COMPLETED with exactly one `completed` event. */
  completed: number;
  /** Instances whose handler ran more than once. */
  duplicated: number;
  /** Executions beyond the first, over all instances. */
  extraExecutions: number;
  /** Acknowledged instances that did not complete. */
  lost: number;
  /** Ids of the instances that ran more than once. */
  duplicatedIds: string[];
}

type Query = <R>(sql: string, parameters?: unknown[]) => Promise<R[]>;

/**
 * Checks a finished drain against its acknowledgements and execution logs, and returns the figures:
 * every acknowledged instance executed at least once and completed exactly once (one COMPLETED row,
 * one `completed` event), nothing lost, nothing executed that was never acknowledged, nothing left
 * STARTED, no unique key held by two instances, and no instance past its retry budget.
 */
export async function checkDrain(query: Query, schema: string, acknowledged: readonly string[], executions: readonly Execution[]): Promise<DrainFigures> {
  const table = `"${schema}".durex_instances`;
  const events = `"${schema}".durex_events`;
  const ids = [...acknowledged];
  expect(new Set(ids).size, 'acknowledged ids are distinct').toBe(ids.length);

  const rows = await query<{ id: string; status: string; completions: number }>(
    `SELECT i.id, i.status, (SELECT count(*)::int FROM ${events} e WHERE e.instance_id = i.id AND e.type = 'completed') AS completions
     FROM ${table} i WHERE i.id = ANY($1::text[])`,
    [ids],
  );
  const completedOnce = rows.filter((row) => row.status === 'COMPLETED' && row.completions === 1).length;
  const notCompleted = rows.filter((row) => row.status !== 'COMPLETED').map((row) => `${row.id} ${row.status}`);
  const missing = ids.length - rows.length;
  expect(missing, 'acknowledged instances missing from storage').toBe(0);
  expect(notCompleted.slice(0, 10), 'acknowledged instances not COMPLETED').toEqual([]);
  expect(rows.filter((row) => row.completions !== 1).map((row) => `${row.id}: ${row.completions} completions`).slice(0, 10)).toEqual([]);

  const [{ started }] = await query<{ started: number }>(`SELECT count(*)::int AS started FROM ${table} WHERE status = 'STARTED'`);
  expect(started, 'instances left STARTED').toBe(0);
  const sharedKeys = await query<{ unique_key: string; n: number }>(
    `SELECT unique_key, count(*)::int AS n FROM ${table} WHERE unique_key IS NOT NULL GROUP BY unique_key HAVING count(*) > 1 LIMIT 10`,
  );
  expect(sharedKeys, 'unique keys held by more than one instance').toEqual([]);
  const overBudget = await query<{ id: string }>(
    `SELECT id FROM ${table} WHERE retries < 0 OR retries > max_retries OR attempt > max_retries + 1 LIMIT 10`,
  );
  expect(overBudget, 'instances past their retry budget').toEqual([]);

  const counts = countById(executions);
  const acknowledgedSet = new Set(ids);
  expect([...counts.keys()].filter((id) => !acknowledgedSet.has(id)).slice(0, 10), 'executions of instances never acknowledged').toEqual([]);
  expect(ids.filter((id) => !counts.has(id)).slice(0, 10), 'acknowledged instances never executed').toEqual([]);
  const duplicatedIds = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
  return {
    acknowledged: ids.length,
    completed: completedOnce,
    duplicated: duplicatedIds.length,
    extraExecutions: executions.length - counts.size,
    lost: missing + notCompleted.length,
    duplicatedIds,
  };
}

/** Prints a scenario's figures on one line, the form docs/reliability.md quotes. */
export function printFigures(scenario: string, details: Record<string, string | number>, figures?: DrainFigures): void {
  const drain = figures
    ? `acknowledged ${figures.acknowledged}, completed ${figures.completed}, duplicated ${figures.duplicated}, lost ${figures.lost}; `
    : '';
  const rest = Object.entries(details)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  console.log(`[faults:${scenario}] ${drain}${rest}`);
}
