// The Estimates module: prices and ACH purchase quotes (routes).
import type { Module } from '../index.ts';
import { estimateSchemas, registerEstimateRoutes } from './routes.ts';

export const estimatesModule: Module = { name: 'estimates', schemas: estimateSchemas, routes: registerEstimateRoutes };
