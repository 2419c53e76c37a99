// The one Identity Verification template of the built-in Plaid sandbox (docs/plaid-sandbox.md). It has
// no dependencies so config.ts can default ONRAMP_PLAID_IDV_TEMPLATE_ID to it.
export const SANDBOX_IDV_TEMPLATE_ID = 'idvtmp_onrampsandbox1';
export const SANDBOX_IDV_TEMPLATE_VERSION = 1;
