import type { EdgeConfig } from "../../runtime/config.ts";
import type { Executor } from "../engine.ts";
import type { PaymentProvider } from "./provider.ts";
import { simulatedProvider } from "./simulator.ts";

/** The payment provider the configuration names (PAYMENTS_PROVIDER). */
export function providerOf(
  config: Pick<EdgeConfig, "paymentsProvider">,
  db: Executor,
): PaymentProvider {
  switch (config.paymentsProvider) {
    case "simulated":
      return simulatedProvider(db);
  }
}
