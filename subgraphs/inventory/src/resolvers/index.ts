import { Mutation } from "./mutation.ts";
import { Product } from "./product.ts";
import { Query } from "./query.ts";
import { StockReservation } from "./stock-reservation.ts";
import { Subscription } from "./subscription.ts";
import { Warehouse } from "./warehouse.ts";
import { WarehouseStock } from "./warehouse-stock.ts";

export const resolvers = { Query, Mutation, Product, Warehouse, WarehouseStock, StockReservation, Subscription };
