import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { DurexClient } from 'nestjs-durex';
import { SignupService } from './signup.service.js';

@Controller()
export class SignupController {
  constructor(
    private readonly signups: SignupService,
    private readonly durex: DurexClient,
  ) {}

  @Post('signup')
  async signup(@Body() body: { id: string; email: string }) {
    const instance = await this.signups.signup(body);
    return { commandId: instance.id, status: instance.status };
  }

  /** The instance with its history: created, started, completed (or failed, retrying, ...). */
  @Get('commands/:id')
  command(@Param('id') id: string) {
    return this.durex.get(id);
  }
}
