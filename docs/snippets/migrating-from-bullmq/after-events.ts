import { Injectable } from '@nestjs/common';
import { type DurexEvent, OnDurexEvent } from 'nestjs-durex';

// The instances this process runs or enqueues, once each change is stored.
@Injectable()
export class EmailEvents {
  @OnDurexEvent('failed')
  failed({ instance, error }: DurexEvent): void {
    console.error(`${instance.name} ${instance.id} failed: ${error?.message}`);
  }

  @OnDurexEvent('completed')
  completed({ instance }: DurexEvent): void {
    console.log(`${instance.name} ${instance.id} done`);
  }
}
