import { useEffect, useState } from "react";
import type { Session } from "../../../schema/auth.ts";
import { Api } from "../../ui/api.ts";

/** The customer app's one API client (and so its one session). */
export const api = new Api("customer");

export function useSession(): Session | null {
  const [session, setSession] = useState(api.current);
  useEffect(() => api.subscribe(setSession), []);
  return session;
}
