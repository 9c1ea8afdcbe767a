import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandNotFoundError } from '../../core/errors/command-not-found.error.js';
import { DuplicateCommandError } from '../../core/errors/duplicate-command.error.js';
import { DurexError } from '../../core/errors/durex.error.js';
import { ExecutorStoppedError } from '../../core/errors/executor-stopped.error.js';
import { InvalidSpecError } from '../../core/errors/invalid-spec.error.js';
import { InvalidStateError } from '../../core/errors/invalid-state.error.js';
import { StorageClosedError } from '../../core/errors/storage-closed.error.js';
import { UnknownCommandError } from '../../core/errors/unknown-command.error.js';
import { DUREX_ADMIN_LOGGER_CONTEXT } from './durex-admin.constants.js';
import { INTERNAL_ERROR_MESSAGE, unexpectedFailureMessage } from './durex-admin.messages.js';
import type { ErrorResponseDto } from './dto/error-response.dto.js';

/** The durex errors a client can cause or act on, and the status each one means. */
const STATUS_OF: readonly [abstract new (...args: never[]) => DurexError, HttpStatus][] = [
  [CommandNotFoundError, HttpStatus.NOT_FOUND],
  [InvalidStateError, HttpStatus.CONFLICT],
  [DuplicateCommandError, HttpStatus.CONFLICT],
  [InvalidSpecError, HttpStatus.BAD_REQUEST],
  [UnknownCommandError, HttpStatus.BAD_REQUEST],
  [ExecutorStoppedError, HttpStatus.SERVICE_UNAVAILABLE],
  [StorageClosedError, HttpStatus.SERVICE_UNAVAILABLE],
];

/**
 * Turns whatever an admin route throws into a JSON error. Durex errors become the 4xx (or 503) they
 * mean, with their message and code; Nest's own HTTP exceptions (validation, guards) pass through as
 * Nest would answer them. Anything else is a bug or an outage: the client gets a generic 500 and the
 * details, stack included, go to the log only, because they may name tables, hosts or files.
 */
@Catch()
@Injectable()
export class DurexAdminExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DUREX_ADMIN_LOGGER_CONTEXT);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const { httpAdapter } = this.adapterHost;
    const [status, body] = this.toResponse(exception, () => {
      const request = http.getRequest<unknown>();
      return unexpectedFailureMessage(httpAdapter.getRequestMethod?.(request) ?? '?', httpAdapter.getRequestUrl?.(request) ?? '?');
    });
    httpAdapter.reply(http.getResponse<unknown>(), body, status);
  }

  private toResponse(exception: unknown, describeRequest: () => string): [HttpStatus, ErrorResponseDto] {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      return [status, typeof response === 'string' ? { statusCode: status, error: reason(status), message: response } : (response as ErrorResponseDto)];
    }
    const mapped = exception instanceof DurexError ? STATUS_OF.find(([type]) => exception instanceof type) : undefined;
    if (mapped) {
      const [, status] = mapped;
      const error = exception as DurexError;
      return [status, { statusCode: status, error: reason(status), message: error.message, code: error.code }];
    }
    this.logger.error(describeRequest(), exception instanceof Error ? exception.stack : String(exception));
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    return [status, { statusCode: status, error: reason(status), message: INTERNAL_ERROR_MESSAGE }];
  }
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
