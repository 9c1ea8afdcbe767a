import { FlowProducer } from 'bullmq';

const flows = new FlowProducer({ connection: { host: '127.0.0.1', port: 6379 } });

// The children run first; the parent runs once all of them completed.
export async function renovate(houseId: string): Promise<void> {
  await flows.add({
    name: 'inspect',
    queueName: 'renovations',
    data: { houseId },
    children: [
      { name: 'paint', queueName: 'renovations', data: { houseId, room: 'kitchen' } },
      { name: 'paint', queueName: 'renovations', data: { houseId, room: 'hall' } },
    ],
  });
}
