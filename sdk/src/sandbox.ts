// Sandbox helpers: the steps a user takes by hand (Plaid Link, reading an SMS), done by a script.
// They call documented sandbox endpoints and exist only on sandbox servers.
import type { OnrampApi } from './generated/sdk.gen.js';
import type { BankAccount } from './generated/types.gen.js';
import type { MessageSigner } from './wallet.js';

/** Sandbox values from docs/sandbox.md, for scripts and tests. */
export const SANDBOX = {
  /** Phone numbers +1 NXX 555-01XX accept this code. */
  magicOtp: '000000',
  /** A test number: +1 201 555 01XX (pass 0–99). */
  phone: (n: number) => `+1201555${String(100 + (Math.abs(Math.trunc(n)) % 100)).padStart(4, '0')}`,
  /** SSNs starting with 2–9 are approved, 1 in review, 0 declined. */
  approvedSsnPrefix: '2',
  /** Purchases of $50.00 or less settle; $123.45 is a risk rejection. */
  safeAmount: '25.00',
  bank: { institutionId: 'ins_109511', username: 'custom_ratio_good', password: 'pass_good' },
} as const;

export class OnrampSandbox {
  constructor(private readonly api: OnrampApi) {}

  /**
   * Links a bank as a user would in Plaid Link: banks:requestLink, the sandbox Link page's completion
   * (Tartan Bank, custom_ratio_good / pass_good unless told otherwise), banks:activateLink.
   */
  async linkBank(
    userId: string,
    options: { institutionId?: string; username?: string; password?: string; mfaCode?: string } = {},
  ): Promise<BankAccount> {
    const { linkToken } = await this.api.requestBankLink({ path: { userId }, body: {} });
    const { publicToken } = await this.api.completeSandboxLink({
      body: {
        token: linkToken,
        institutionId: options.institutionId ?? SANDBOX.bank.institutionId,
        username: options.username ?? SANDBOX.bank.username,
        password: options.password ?? SANDBOX.bank.password,
        ...(options.mfaCode ? { mfaCode: options.mfaCode } : {}),
      },
    });
    const { bankAccount } = await this.api.activateBankLink({ path: { userId }, body: { publicToken } });
    if (!bankAccount) throw new Error('banks:activateLink answered no bankAccount');
    return bankAccount;
  }

  /** The newest six-digit code the sandbox sent to `to` (a phone or an email address). */
  async latestCode(to: string): Promise<string> {
    const { items } = await this.api.listSandboxInbox({ query: { to } });
    const code = /\b(\d{6})\b/.exec(items[0]?.text ?? '')?.[1];
    if (!code) throw new Error(`no code in the sandbox inbox for ${to}`);
    return code;
  }

  /** Sandbox test wallet `index` as a signer: the server signs (for scripts without a signing library). */
  async testWallet(index: number): Promise<MessageSigner> {
    const { address } = await this.api.getSandboxTestWallet({ path: { index } });
    const api = this.api;
    return {
      address,
      async signMessage({ message }) {
        return (await api.signWithSandboxTestWallet({ path: { index }, body: { message } })).signature;
      },
    };
  }
}
