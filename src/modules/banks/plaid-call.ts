// One place that turns Plaid failures into API errors. Plaid calls are made outside transactions;
// each has the client's timeout and is not retried (a retry is the partner's decision).
import type { PlaidError } from 'plaid';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.ts';
import { describePlaidFailure, plaidErrorOf, PlaidUnavailableError } from '../../providers/plaid/index.ts';

/** Plaid codes a caller handles itself (e.g. an item already gone when deleting). */
export class PlaidCallError extends Error {
  constructor(readonly plaid: PlaidError) {
    super(`Plaid ${plaid.error_type}/${plaid.error_code}`);
    this.name = 'PlaidCallError';
  }
}

export async function plaidCall<T>(
  log: Logger,
  operation: string,
  call: () => Promise<{ data: T }>,
  passThrough: string[] = [],
): Promise<T> {
  try {
    return (await call()).data;
  } catch (error) {
    if (error instanceof PlaidUnavailableError)
      throw new AppError('SERVICE_UNAVAILABLE', { message: `Bank linking is unavailable: ${error.message}` });
    const plaid = plaidErrorOf(error);
    if (plaid && passThrough.includes(plaid.error_code)) throw new PlaidCallError(plaid);
    log.warn({ operation, ...describePlaidFailure(error) }, 'Plaid call failed');
    if (!plaid)
      throw new AppError('SERVICE_UNAVAILABLE', {
        message: `Plaid did not answer ${operation} in time or could not be reached; retry later`,
      });
    switch (plaid.error_code) {
      case 'INVALID_PUBLIC_TOKEN':
        throw new AppError('INVALID_PUBLIC_TOKEN', {
          message:
            '`publicToken` is not a live Plaid public token: it is unknown, expired (30 minutes) or already used',
          data: { field: 'publicToken', rule: 'plaid', plaidErrorCode: plaid.error_code },
        });
      case 'ITEM_LOGIN_REQUIRED':
        throw new AppError('PLAID_LOGIN_ERROR', {
          message:
            'The bank requires the user to log in again: request an update link token (banks/{bankId}:requestLink) and run Plaid Link',
          data: { linkStatus: 'LOGIN_REQUIRED', plaidErrorCode: plaid.error_code },
        });
      default:
        if (plaid.error_type === 'INSTITUTION_ERROR') {
          throw new AppError('SERVICE_UNAVAILABLE', {
            message: `The bank is not responding through Plaid (${plaid.error_code}); try again later or link another bank`,
            data: { plaidErrorType: plaid.error_type, plaidErrorCode: plaid.error_code },
          });
        }
        throw new AppError('SERVICE_UNAVAILABLE', {
          message: `Plaid refused ${operation} (${plaid.error_type} ${plaid.error_code}); retry later`,
          data: {
            plaidErrorType: plaid.error_type,
            plaidErrorCode: plaid.error_code,
            plaidRequestId: plaid.request_id,
          },
        });
    }
  }
}
