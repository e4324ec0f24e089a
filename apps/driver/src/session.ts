import { useEffect, useState } from "react";
import type { Session } from "../../../schema/auth.ts";
import { Api } from "../../ui/api.ts";

/** The courier app's one API client; its session is a driver's. */
export const api = new Api("driver");

export function useSession(): Session | null {
  const [session, setSession] = useState(api.current);
  useEffect(() => api.subscribe(setSession), []);
  return session;
}
