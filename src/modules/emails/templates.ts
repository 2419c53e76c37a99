// Transactional email templates (user-support-reference/transactional-emails.md). Each renders a
// subject, a plain-text part and an HTML part; every variable is HTML-escaped in the HTML part.

export const EMAIL_TEMPLATES = [
  'WELCOME',
  'KYC_APPROVED',
  'KYC_IN_REVIEW',
  'KYC_DECLINED',
  'ORDER_SUBMITTED',
  'ORDER_COMPLETE',
  'ORDER_FAILED',
  'ORDER_REFUNDED',
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

interface TemplateSpec {
  /** Variables the template needs; rendering without one is a programming error. */
  required: string[];
  subject: (v: Vars, brand: string) => string;
  /** Paragraphs, plain text (escaped for the HTML part). */
  body: (v: Vars, brand: string) => string[];
}

type Vars = Record<string, string>;

const hello = (v: Vars) => (v.firstName ? `Hi ${v.firstName},` : 'Hello,');

const SPECS: Record<EmailTemplate, TemplateSpec> = {
  WELCOME: {
    required: ['firstName'],
    subject: (_v, brand) => `Welcome to ${brand}`,
    body: (v, brand) => [
      hello(v),
      `Your ${brand} account is ready. Next, verify your identity (KYC) and link a bank account to buy crypto.`,
    ],
  },
  KYC_APPROVED: {
    required: ['firstName'],
    subject: () => 'Your account application is approved',
    body: (v, brand) => [
      hello(v),
      `Your identity has been verified and your ${brand} account is ready to use. Link a bank account to make your first purchase.`,
    ],
  },
  KYC_IN_REVIEW: {
    required: ['firstName'],
    subject: () => 'We are reviewing your account application',
    body: (v, brand) => [
      hello(v),
      `${brand} is unable to verify your identity with the information provided. We will contact you within 24 hours to request additional information.`,
    ],
  },
  KYC_DECLINED: {
    required: ['firstName'],
    subject: () => 'We could not approve your account application',
    body: (v, brand) => [
      hello(v),
      `${brand} could not verify your identity with the information provided, so your application was not approved.`,
    ],
  },
  ORDER_SUBMITTED: {
    required: ['fiatAmount', 'cryptoCurrency'],
    subject: () => 'Your order has been submitted',
    body: (v) => [
      hello(v),
      `Your order of $${v.fiatAmount} of ${v.cryptoCurrency} by standard ACH has been submitted.${v.expectedDate ? ` We expect your payment to settle by ${v.expectedDate}; your crypto is sent after that.` : ''}`,
    ],
  },
  ORDER_COMPLETE: {
    required: ['cryptoAmount', 'cryptoCurrency', 'transactionHash'],
    subject: () => 'Your order is complete',
    body: (v) => [
      hello(v),
      `${v.cryptoAmount} ${v.cryptoCurrency} has been sent to your wallet${v.walletAddress ? ` ${v.walletAddress}` : ''}.`,
      `Transaction: ${v.transactionHash}`,
    ],
  },
  ORDER_FAILED: {
    required: ['cryptoCurrency'],
    subject: () => 'Your order failed',
    body: (v) => [hello(v), `Your ${v.cryptoCurrency} transaction failed to settle on-chain. Please contact support.`],
  },
  ORDER_REFUNDED: {
    required: ['fiatAmount', 'cryptoCurrency'],
    subject: () => 'Your payment is being refunded',
    body: (v, brand) => [
      hello(v),
      `${brand} could not deliver the ${v.cryptoCurrency} of your order, so we are refunding your payment of $${v.fiatAmount} to your bank account${v.accountMask ? ` ending in ${v.accountMask}` : ''}. Refunds usually arrive within two business days.`,
    ],
  },
};

export function isEmailTemplate(name: string): name is EmailTemplate {
  return (EMAIL_TEMPLATES as readonly string[]).includes(name);
}

export function missingVars(template: EmailTemplate, vars: Vars): string[] {
  return SPECS[template].required.filter((k) => typeof vars[k] !== 'string' || vars[k] === '');
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function renderEmail(template: EmailTemplate, vars: Vars, brand: string): RenderedEmail {
  const missing = missingVars(template, vars);
  if (missing.length > 0) throw new Error(`email template ${template} needs ${missing.join(', ')}`);
  const spec = SPECS[template];
  const paragraphs = spec.body(vars, brand);
  const subject = spec.subject(vars, brand);
  const text = `${paragraphs.join('\n\n')}\n\n— ${brand}\n`;
  const html =
    `<!doctype html><html><body style="font-family:sans-serif;max-width:560px">` +
    `<h1 style="font-size:20px">${escapeHtml(subject)}</h1>` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    `<p style="color:#666">— ${escapeHtml(brand)}</p></body></html>`;
  return { subject, text, html };
}
