export * from "./accounts.ts";
export * from "./catalog.ts";
export * from "./ledger.ts";
export * from "./orders.ts";
export * from "./relations.ts";
