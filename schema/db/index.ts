export * from "./accounts.ts";
export * from "./analytics.ts";
export * from "./catalog.ts";
export * from "./catalog-outbox.ts";
export * from "./ledger.ts";
export * from "./orders.ts";
export * from "./relations.ts";
export * from "./search.ts";
