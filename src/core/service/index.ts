export { createCompanionService } from './service';
export type { CompanionService, CompanionServiceOptions } from './service';
