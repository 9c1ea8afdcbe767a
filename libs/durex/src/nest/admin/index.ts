export { DUREX_ADMIN_MODULE_OPTIONS } from './durex-admin.constants.js';
export { DurexAdminModule } from './durex-admin.module.js';
export { CancelByTagDto } from './dto/cancel-by-tag.dto.js';
export { CancelledResponseDto, PurgedResponseDto } from './dto/count-response.dto.js';
export { DlqQueryDto } from './dto/dlq-query.dto.js';
export { EnqueueCommandDto } from './dto/enqueue-command.dto.js';
export { ErrorResponseDto } from './dto/error-response.dto.js';
export { IdParamDto } from './dto/id-param.dto.js';
export { InstancePageDto } from './dto/instance-page.dto.js';
export { InstanceEventDto, InstanceResponseDto } from './dto/instance-response.dto.js';
export { ADMIN_ORDER_FIELDS, type AdminOrderField, ListCommandsQueryDto } from './dto/list-commands-query.dto.js';
export { PageQueryDto } from './dto/page-query.dto.js';
export { PurgeDlqQueryDto } from './dto/purge-dlq-query.dto.js';
export {
  ClusterLimitsDto,
  CommandClusterLimitDto,
  CommandRateDto,
  RateLimitDto,
  RateWindowDto,
  StatsResponseDto,
} from './dto/stats-response.dto.js';
export { ThroughputQueryDto } from './dto/throughput-query.dto.js';
export { ThroughputBucketDto, ThroughputResponseDto } from './dto/throughput-response.dto.js';
export * from './interfaces/durex-admin-module-options.interface.js';
