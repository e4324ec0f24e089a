import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../runtime/db.ts";
import { type LocalDatabase, startDatabase } from "./database.ts";
import { BackendStream, FrontendStream, Gate } from "./ws-proxy.ts";

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p)] : p)));
const int32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const message = (type: string, body: number[] = []) => bytes(type, int32(body.length + 4), body);

describe("the proxy's view of the protocol", () => {
  it("counts what the server answers with ReadyForQuery: the startup, each Sync and Query", () => {
    const client = new FrontendStream();
    client.push(bytes(int32(8), int32(80877103))); // SSLRequest: answered by one byte, not 'Z'
    client.push(bytes(int32(9), int32(196608), [0]));
    expect(client.takeSslRequests()).toBe(1);
    client.push(message("P", [0, 0, 0, 0]));
    client.push(Buffer.concat([message("B", [1, 2]), message("E", [0, 0, 0, 0, 0]), message("S")]));
    client.push(message("Q", [...Buffer.from("select 1"), 0]));
    expect(client.syncPoints).toBe(3);
    expect(client.push(message("X"))).toBe(true);
  });

  it("follows ReadyForQuery and the transaction status it carries, across split chunks", () => {
    const server = new BackendStream();
    server.expectSslAnswers(1);
    const stream = Buffer.concat([
      Buffer.from("N"),
      message("R", int32(0)),
      message(
        "Z",
        [..."I"].map((c) => c.charCodeAt(0)),
      ),
      message("C", [...Buffer.from("BEGIN"), 0]),
      message("Z", [0x54]),
    ]);
    for (let i = 0; i < stream.length; i += 3) server.push(stream.subarray(i, i + 3));
    expect(server.ready).toBe(2);
    expect(server.idle).toBe(false);
    server.push(message("Z", [0x49]));
    expect(server.idle).toBe(true);
  });

  it("hands the server to one connection at a time, in the order they asked", () => {
    const gate = new Gate();
    const [a, b, c] = [{}, {}, {}];
    const granted: string[] = [];
    gate.acquire(a, () => granted.push("a"));
    gate.acquire(b, () => granted.push("b"));
    gate.acquire(c, () => granted.push("c"));
    expect(granted).toEqual(["a"]);
    gate.release(b); // gave up waiting
    gate.release(a);
    expect(granted).toEqual(["a", "c"]);
  });
});

describe("PGlite behind the serializing proxy", () => {
  let database: LocalDatabase;
  beforeAll(async () => {
    database = await startDatabase({});
  });
  afterAll(() => database?.close());

  it("answers many connections' parameterised queries at once, each its own answer", async () => {
    // Without the proxy's gate, PGlite runs one connection's Bind against another's Parse.
    const pools = Array.from({ length: 8 }, () => openDb(database));
    try {
      const answers = await Promise.all(
        pools.flatMap(({ db }, p) =>
          Array.from({ length: 5 }, async (_, q) => {
            // Statements of different shapes: a Bind meant for one cannot fit another's Parse.
            const extra = Array.from(
              { length: p },
              (_, i) => sql`, ${i}::int as x${sql.raw(String(i))}`,
            );
            if (q % 2 === 1) {
              // Some inside transactions, as the catalog's writes are.
              return db.transaction(async (tx) => {
                const rows = (
                  await tx.execute(
                    sql`select ${p}::int * 100 + ${q}::int as n, ${`pool-${p}`}::text as tag${sql.join(extra, sql``)}`,
                  )
                ).rows[0] as { n: number; tag: string };
                return { n: rows.n, tag: rows.tag };
              });
            }
            const result = await db.execute(
              sql`select ${p}::int * 100 + ${q}::int as n, ${`pool-${p}`}::text as tag${sql.join(extra, sql``)}`,
            );
            const { n, tag } = result.rows[0] as { n: number; tag: string };
            return { n, tag };
          }),
        ),
      );
      expect(answers).toEqual(
        pools.flatMap((_, p) =>
          Array.from({ length: 5 }, (_, q) => ({ n: p * 100 + q, tag: `pool-${p}` })),
        ),
      );
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });
});
