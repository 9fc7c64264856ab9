import { Mutation } from "./mutation.ts";
import { Order } from "./order.ts";
import { OrderLine } from "./order-line.ts";
import { Query } from "./query.ts";
import { Shipment, ShipmentTracking } from "./shipment.ts";
import { Subscription } from "./subscription.ts";
import { TrackingEvent } from "./tracking-event.ts";
import { User } from "./user.ts";

export const resolvers = { Query, Mutation, Order, OrderLine, Shipment, ShipmentTracking, Subscription, TrackingEvent, User };
