// Display formats: USD with thousands separators, counts, percentages, dates in the viewer's locale.
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const usdWhole = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const count = new Intl.NumberFormat('en-US');

export const money = (amount: string) => usd.format(Number(amount));
export const moneyWhole = (amount: string) => usdWhole.format(Number(amount));
export const num = (n: number) => count.format(n);
export const pct = (n: number) => `${n.toFixed(2)}%`;
export const dateTime = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
export const date = (iso: string | undefined) => (iso ? new Date(iso).toLocaleDateString() : '—');

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function daysBefore(day: string, n: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() - n * 86_400_000).toISOString().slice(0, 10);
}

export function titleCase(code: string): string {
  return code
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
