/**
 * Slots for operations in flight, counted per client key: up to `maxInFlight` run, up to `maxQueued`
 * wait in arrival order (first come, first served, so a large batch is not overtaken for ever), the
 * rest are refused. A key is forgotten as soon as nothing of it runs or waits, so memory holds only
 * the clients with work in flight.
 */
export interface SlotLimits {
  maxInFlight: number;
  maxQueued: number;
}

interface Waiter {
  weight: number;
  grant: () => void;
}

interface Client {
  running: number;
  queued: number;
  waiting: Waiter[];
}

export type Admission =
  /** Runs now; call release() once, when the request is answered. */
  | { kind: "run"; release: () => void }
  /** Waits: `granted` resolves when it may run; cancel() gives up its place (the client went away). */
  | { kind: "wait"; granted: Promise<() => void>; cancel: () => void }
  | { kind: "refused" };

export interface SlotEvents {
  changed?(inFlight: number, queued: number): void;
}

export function createClientSlots(limits: SlotLimits, events: SlotEvents = {}) {
  const clients = new Map<string, Client>();
  let inFlight = 0;
  let queued = 0;
  const changed = () => events.changed?.(inFlight, queued);

  /** Lets waiters run while the first in line fits, and forgets a client with nothing left. */
  const drain = (key: string, client: Client) => {
    while (client.waiting.length && client.running + client.waiting[0]!.weight <= limits.maxInFlight) {
      const next = client.waiting.shift()!;
      client.queued -= next.weight;
      queued -= next.weight;
      client.running += next.weight;
      inFlight += next.weight;
      next.grant();
    }
    if (client.running === 0 && client.waiting.length === 0) clients.delete(key);
    changed();
  };

  const releaser = (key: string, client: Client, weight: number) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      client.running -= weight;
      inFlight -= weight;
      drain(key, client);
    };
  };

  return {
    /** `operations`: how many the request holds; more than maxInFlight counts as maxInFlight, so a batch can always run. */
    admit(key: string, operations: number): Admission {
      const weight = Math.min(Math.max(1, operations), limits.maxInFlight);
      let client = clients.get(key);
      if (!client) clients.set(key, (client = { running: 0, queued: 0, waiting: [] }));
      if (client.waiting.length === 0 && client.running + weight <= limits.maxInFlight) {
        client.running += weight;
        inFlight += weight;
        changed();
        return { kind: "run", release: releaser(key, client, weight) };
      }
      if (client.queued + weight > limits.maxQueued) {
        if (client.running === 0 && client.waiting.length === 0) clients.delete(key);
        return { kind: "refused" };
      }
      const owner = client;
      let waiter!: Waiter;
      const granted = new Promise<() => void>((resolve) => {
        waiter = { weight, grant: () => resolve(releaser(key, owner, weight)) };
      });
      owner.waiting.push(waiter);
      owner.queued += weight;
      queued += weight;
      changed();
      return {
        kind: "wait",
        granted,
        cancel() {
          const index = owner.waiting.indexOf(waiter);
          if (index === -1) return; // already granted: the holder releases it
          owner.waiting.splice(index, 1);
          owner.queued -= weight;
          queued -= weight;
          drain(key, owner);
        },
      };
    },
    /** Clients with operations running or waiting (for tests). */
    get clients() {
      return clients.size;
    },
  };
}
