import http from "node:http";
import { describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../src/http.ts";

/** Real sockets on loopback: the point is what clients with keep-alive pools see during a close. */

const slowly =
  (ms: () => number): http.RequestListener =>
  (req, res) => {
    req.resume();
    req.on("end", () => setTimeout(() => res.end("ok"), ms()));
  };

type Outcome = "ok" | "refused" | "dropped";

function post(agent: http.Agent, port: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/", agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200 ? "ok" : "dropped"));
      res.on("error", () => resolve("dropped"));
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED" ? "refused" : "dropped"));
    req.end("{}");
  });
}

describe("listen().close()", () => {
  it("lets a request in flight finish, then stops; new connections are refused", async () => {
    const running = await listen(
      slowly(() => 300),
      0,
      "127.0.0.1",
    );
    const agent = new http.Agent({ keepAlive: true });
    const inFlight = post(agent, running.port);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const closed = running.close(5_000);
    expect(await post(new http.Agent(), running.port)).toBe("refused");
    expect(await inFlight).toBe("ok");
    await closed;
    expect(Date.now() - started).toBeLessThan(2_000);
    agent.destroy();
  });

  it("drops no request of keep-alive clients streaming through the close", async () => {
    const totals: Record<Outcome, number> = { ok: 0, refused: 0, dropped: 0 };
    for (let round = 0; round < 6; round++) {
      const running: RunningServer = await listen(
        slowly(() => 2 + Math.random() * 8),
        0,
        "127.0.0.1",
      );
      // More sockets than clients, so some sit idle in the pool when the close begins.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      let closing = false;
      const clients = Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 400; i++) {
          const outcome = await post(agent, running.port);
          totals[outcome]++;
          if (outcome === "refused" || (closing && i > 0 && outcome !== "ok")) return;
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      closing = true;
      await running.close(5_000);
      await Promise.all(clients);
      agent.destroy();
    }
    expect(totals.dropped).toBe(0);
    expect(totals.ok).toBeGreaterThan(100);
  });

  it("cuts what is still running once the grace period is over", async () => {
    const running = await listen(() => undefined, 0, "127.0.0.1"); // never answers
    const hanging = post(new http.Agent(), running.port);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await running.close(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await hanging).toBe("dropped");
  });
});
