// SMS: one interface, chosen from config at start (ONRAMP_SMS_PROVIDER). Domain code sends through it
// and never asks which provider it is.

export interface SmsMessage {
  /** E.164 */
  to: string;
  body: string;
  /** The partner client on whose behalf the message is sent (the sandbox inbox scopes by it). */
  clientId?: string | null;
}

export interface SmsProvider {
  readonly name: string;
  /**
   * Sends one message. Throws AppError INVALID_PHONE / INVALID_PHONE_TYPE / INVALID_PHONE_COUNTRY_CODE
   * (400) when the provider refuses the recipient, SERVICE_UNAVAILABLE (503) when it cannot be reached.
   */
  send(message: SmsMessage): Promise<{ id: string }>;
  /** A code this number accepts besides the one sent: documented test numbers of a sandbox provider. */
  fixedCode?(to: string): string | undefined;
  /** Checks the provider answers and accepts the credentials, sending nothing (`/readyz?full=1`). */
  probe?(signal: AbortSignal): Promise<void>;
}
