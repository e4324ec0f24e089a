const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** Integer cents as dollars for display; the apps never compute money, only show it. */
export function formatCents(cents: number): string {
  return usd.format(cents / 100);
}
