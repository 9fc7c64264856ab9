import { readFileSync } from "node:fs";
import net from "node:net";

/**
 * A port for a process that is about to be started. It is chosen BELOW the kernel's ephemeral range:
 * a port handed out from inside that range stays free only until the process binds it, and in
 * between any `listen(0)` server or outgoing connection on the machine may take it (seen in CI: a
 * subgraph that migrated for a few seconds before listening found its port taken). Ports given out
 * by this process are never given out twice.
 */
const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (low && low > 12_000) return low;
  } catch {
    // not Linux: IANA's dynamic range starts at 49152
  }
  return 49_152;
}

const RANGE_START = 10_000;
const RANGE_END = ephemeralRangeStart();

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    // The wildcard address: free there means free on every address a service might bind.
    server.listen({ port, host: "0.0.0.0", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = RANGE_START + Math.floor(Math.random() * (RANGE_END - RANGE_START));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${RANGE_START} and ${RANGE_END}`);
}
