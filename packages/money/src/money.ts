/** The shape of the federated `Money` value type; every subgraph that returns Money resolves it alike. */
export interface Money {
  cents: number;
  currency: string;
  formatted: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

export function money(cents: number, currency = "USD"): Money {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat("en-US", { style: "currency", currency });
    formatters.set(currency, formatter);
  }
  return { cents, currency, formatted: formatter.format(cents / 100) };
}
