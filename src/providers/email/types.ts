// Email: one interface, chosen from config at start (ONRAMP_EMAIL_PROVIDER).

export interface EmailMessage {
  to: string;
  subject: string;
  /** Plain-text part. */
  text: string;
  /** HTML part. */
  html: string;
  /** The partner client on whose behalf the message is sent (the sandbox inbox scopes by it). */
  clientId?: string | null;
}

export interface EmailProvider {
  readonly name: string;
  /** Sends one message; throws AppError SERVICE_UNAVAILABLE (503) when the mail server refuses or cannot be reached. */
  send(message: EmailMessage): Promise<{ id: string }>;
  /** Checks the mail server answers and accepts the credentials, sending nothing (`/readyz?full=1`). */
  probe?(signal: AbortSignal): Promise<void>;
  close?(): Promise<void>;
}
