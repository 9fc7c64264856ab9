import type { Database } from "@store/service-kit";
import { PrismaClient } from "../../../../prisma/orders/generated/client.ts";
export { Prisma, type Order, type OrderLine, type OrderStatus, type Shipment, type TrackingEvent } from "../../../../prisma/orders/generated/client.ts";

export type OrdersPrisma = PrismaClient<"query">;

export function createOrdersPrisma(adapter: Database["adapter"]): OrdersPrisma {
  return new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
}
