// The text of one-time code messages. Email has a plain-text and an HTML part.
import type { EmailMessage } from '../../providers/email/types.ts';

export function smsText(brand: string, code: string, ttlMinutes: number): string {
  return `${code} is your ${brand} verification code. It expires in ${ttlMinutes} minutes. Never share it: ${brand} will never ask you for it.`;
}

export function otpEmail(brand: string, to: string, code: string, ttlMinutes: number): Omit<EmailMessage, 'clientId'> {
  const b = escapeHtml(brand);
  return {
    to,
    subject: `Your ${brand} verification code`,
    text: [
      `Your ${brand} verification code is ${code}.`,
      '',
      `It expires in ${ttlMinutes} minutes. Never share it: ${brand} will never ask you for it.`,
      'If you did not try to sign in, you can ignore this email.',
    ].join('\n'),
    html: [
      '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">',
      `<p>Your ${b} verification code is</p>`,
      `<p style="font-size:28px;font-weight:600;letter-spacing:4px">${code}</p>`,
      `<p>It expires in ${ttlMinutes} minutes. Never share it: ${b} will never ask you for it.</p>`,
      '<p style="color:#666">If you did not try to sign in, you can ignore this email.</p>',
      '</body></html>',
    ].join(''),
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
