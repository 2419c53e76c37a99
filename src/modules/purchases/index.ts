// The Purchases module: ACH purchases and their limits (routes), the jobs that carry a purchase on
// (after ctx.ach and ctx.payouts outcomes), and refunds resumed at start.
import type { Module } from '../index.ts';
import { definePurchaseJobs, resumePurchaseRefunds } from './jobs.ts';
import { purchaseSchemas, registerPurchaseRoutes } from './routes.ts';

export const purchasesModule: Module = {
  name: 'purchases',
  schemas: purchaseSchemas,
  routes: registerPurchaseRoutes,
  jobs: definePurchaseJobs,
  start: resumePurchaseRefunds,
};
