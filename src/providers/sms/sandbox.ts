// Sandbox SMS: messages go to the sandbox inbox instead of a carrier. Numbers of the form
// +1 NXX 555-01XX (the range reserved for fiction) are test numbers that also accept 000000, as the
// Ratio sandbox guide documents.
import type { SandboxInbox } from '../../sandbox/inbox/store.ts';
import type { SmsMessage, SmsProvider } from './types.ts';

const TEST_NUMBER_RE = /^\+1[2-9]\d{2}55501\d{2}$/;
export const SANDBOX_TEST_CODE = '000000';

export function isSandboxTestNumber(e164: string): boolean {
  return TEST_NUMBER_RE.test(e164);
}

export class SandboxSmsProvider implements SmsProvider {
  readonly name = 'sandbox';
  constructor(private readonly inbox: SandboxInbox) {}

  async send(message: SmsMessage): Promise<{ id: string }> {
    const id = await this.inbox.deliver({
      channel: 'SMS',
      to: message.to,
      text: message.body,
      clientId: message.clientId ?? null,
    });
    return { id };
  }

  fixedCode(to: string): string | undefined {
    return isSandboxTestNumber(to) ? SANDBOX_TEST_CODE : undefined;
  }
}
