// The KYC module: submissions and documentary verification (routes), the checks on the configured
// provider (ctx.kyc) and Plaid's IDENTITY_VERIFICATION webhooks (jobs). docs/identity-verification.md.
import type { Module } from '../index.ts';
import { defineKycJobs } from './jobs.ts';
import { registerKycRoutes } from './routes.ts';
import { kycSchemas } from './schemas.ts';

export const kycModule: Module = { name: 'kyc', schemas: kycSchemas, routes: registerKycRoutes, jobs: defineKycJobs };
