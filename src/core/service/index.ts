export { createCompanionService } from './service';
export type { CompanionService, CompanionServiceOptions, HealedEntries } from './service';
