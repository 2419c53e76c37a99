// Sandbox email: messages go to the sandbox inbox (text and HTML parts) instead of a mail server.
import type { SandboxInbox } from '../../sandbox/inbox/store.ts';
import type { EmailMessage, EmailProvider } from './types.ts';

export class SandboxEmailProvider implements EmailProvider {
  readonly name = 'sandbox';
  constructor(private readonly inbox: SandboxInbox) {}

  async send(message: EmailMessage): Promise<{ id: string }> {
    const id = await this.inbox.deliver({
      channel: 'EMAIL',
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      clientId: message.clientId ?? null,
    });
    return { id };
  }
}
