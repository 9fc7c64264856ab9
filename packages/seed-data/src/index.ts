/**
 * The store's seed data, generated deterministically from one seed. Every service seeds only the
 * part it owns, and because all parts come from this one generator, ids agree across databases.
 */
import { Random } from "./random.ts";
import { ADJECTIVES, CARRIERS, CATEGORIES, FIRST_NAMES, LAST_NAMES, REVIEW_TITLES, WAREHOUSES } from "./vocabulary.ts";

export interface SeedSizes {
  users: number;
  products: number;
  reviews: number;
  orders: number;
}

export const DEFAULT_SIZES: SeedSizes = { users: 200, products: 1000, reviews: 5000, orders: 2000 };
export const DEFAULT_SEED = 20261125;

const BASE_TIME = Date.UTC(2026, 0, 1);

/**
 * The demo store's sign-in: every seeded user has this one password (documented in the README).
 * usr_0001 and usr_0002 are admins, usr_0003 to usr_0005 staff, everyone else a customer.
 */
export const DEMO_PASSWORD = "store-demo-password";
/** The customer the explorer's "Use demo user" button signs in as (usr_0006). */
export const DEMO_USERNAME = "dennis.lovelace";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SeedUser {
  id: string;
  username: string;
  email: string;
  name: string;
  roles: string[];
  createdAt: Date;
}
export interface SeedCategory {
  id: string;
  slug: string;
  name: string;
}
export interface SeedProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  weightGrams: number;
  categoryId: string;
  createdAt: Date;
}
export interface SeedWarehouse {
  id: string;
  code: string;
  name: string;
  city: string;
  country: string;
}
export interface SeedStockLevel {
  productId: string;
  warehouseId: string;
  quantity: number;
}
export interface SeedReview {
  id: string;
  productId: string;
  authorId: string;
  authorUsername: string;
  rating: number;
  title: string;
  body: string;
  createdAt: Date;
}
export interface SeedOrderLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}
export interface SeedTrackingEvent {
  status: string;
  location: string;
  description: string;
  occurredAt: Date;
}
/** No tracking number: the orders service draws a random one (a number derived from the seed could be guessed). */
export interface SeedShipment {
  carrier: string;
  status: string;
  events: SeedTrackingEvent[];
}
export interface SeedOrder {
  id: string;
  userId: string;
  status: string;
  currency: string;
  createdAt: Date;
  lines: SeedOrderLine[];
  shipment: SeedShipment;
}

export interface StoreSeed {
  users: SeedUser[];
  categories: SeedCategory[];
  products: SeedProduct[];
  warehouses: SeedWarehouse[];
  stockLevels: SeedStockLevel[];
  reviews: SeedReview[];
  orders: SeedOrder[];
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function generateUsers(random: Random, count: number): SeedUser[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]!;
    const cycle = Math.floor(i / (FIRST_NAMES.length * LAST_NAMES.length));
    const handle = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "");
    const username = cycle === 0 ? handle : `${handle}${cycle + 1}`;
    const roles = i < 2 ? ["admin", "customer"] : i < 5 ? ["staff", "customer"] : ["customer"];
    return {
      id: `usr_${pad(i + 1, 4)}`,
      username,
      email: `${username}@example.com`,
      name: `${first} ${last}`,
      roles,
      createdAt: new Date(BASE_TIME - random.int(30, 700) * DAY),
    };
  });
}

function generateProducts(random: Random, count: number, categories: SeedCategory[]): SeedProduct[] {
  return Array.from({ length: count }, (_, i) => {
    const categoryIndex = i % categories.length;
    const category = CATEGORIES[categoryIndex]!;
    const adjective = random.pick(ADJECTIVES);
    const noun = random.pick(category.nouns);
    const model = `${String.fromCharCode(65 + random.int(0, 25))}${random.int(10, 99)}`;
    const name = `${adjective} ${noun} ${model}`;
    return {
      id: `prd_${pad(i + 1, 4)}`,
      sku: `SKU-${pad(i + 1, 5)}`,
      name,
      description: `The ${name} is a ${adjective.toLowerCase()} ${noun.toLowerCase()} from our ${category.name.toLowerCase()} range.`,
      priceCents: random.int(3, 600) * 99 + random.int(0, 1) * 50,
      currency: "USD",
      weightGrams: random.int(1, 400) * 50,
      categoryId: categories[categoryIndex]!.id,
      createdAt: new Date(BASE_TIME - random.int(1, 365) * DAY),
    };
  });
}

function generateStock(random: Random, products: SeedProduct[]): SeedStockLevel[] {
  const levels: SeedStockLevel[] = [];
  for (const product of products) {
    const soldOut = random.next() < 0.08;
    for (const warehouse of WAREHOUSES) {
      levels.push({ productId: product.id, warehouseId: warehouse.id, quantity: soldOut ? 0 : random.int(0, 120) });
    }
  }
  return levels;
}

function generateReviews(random: Random, count: number, products: SeedProduct[], users: SeedUser[]): SeedReview[] {
  return Array.from({ length: count }, (_, i) => {
    const product = random.pickSkewed(products);
    const author = random.pick(users);
    const rating = Math.min(5, Math.max(1, Math.round(3.6 + (random.next() - 0.4) * 3)));
    return {
      id: `rev_${pad(i + 1, 5)}`,
      productId: product.id,
      authorId: author.id,
      authorUsername: author.username,
      rating,
      title: random.pick(REVIEW_TITLES[rating]!),
      body: `${author.name.split(" ")[0]} rated the ${product.name} ${rating} out of 5.`,
      createdAt: new Date(BASE_TIME + random.int(0, 300) * DAY + random.int(0, 23) * HOUR),
    };
  });
}

const SHIPMENT_STEPS = [
  { status: "LABEL_CREATED", description: "Shipping label created" },
  { status: "PICKED_UP", description: "Picked up by carrier" },
  { status: "IN_TRANSIT", description: "In transit" },
  { status: "OUT_FOR_DELIVERY", description: "Out for delivery" },
  { status: "DELIVERED", description: "Delivered" },
] as const;

function generateOrders(random: Random, count: number, products: SeedProduct[], users: SeedUser[]): SeedOrder[] {
  return Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(BASE_TIME + random.int(0, 320) * DAY + random.int(0, 23) * HOUR);
    const lineCount = random.int(1, 4);
    const lines: SeedOrderLine[] = [];
    while (lines.length < lineCount) {
      const product = random.pickSkewed(products);
      if (lines.some((line) => line.productId === product.id)) continue;
      lines.push({ productId: product.id, quantity: random.int(1, 3), unitPriceCents: product.priceCents });
    }
    const stepCount = random.int(1, SHIPMENT_STEPS.length);
    const warehouse = random.pick(WAREHOUSES);
    const events = SHIPMENT_STEPS.slice(0, stepCount).map((step, n) => ({
      status: step.status,
      description: step.description,
      location:
        n === 0 ? warehouse.city : n === stepCount - 1 && step.status === "DELIVERED" ? "Customer address" : `${warehouse.city} region`,
      occurredAt: new Date(createdAt.getTime() + (n + 1) * 9 * HOUR),
    }));
    const shipmentStatus = events[events.length - 1]!.status;
    return {
      id: `ord_${pad(i + 1, 5)}`,
      userId: random.pick(users).id,
      status: shipmentStatus === "DELIVERED" ? "DELIVERED" : shipmentStatus === "LABEL_CREATED" ? "CONFIRMED" : "SHIPPED",
      currency: "USD",
      createdAt,
      lines,
      shipment: {
        carrier: random.pick(CARRIERS),
        status: shipmentStatus,
        events,
      },
    };
  });
}

/**
 * Builds the whole store. Each part draws from its own PRNG stream so that changing, say, the
 * review count does not reshuffle the products.
 */
export function generateStore(sizes: SeedSizes = DEFAULT_SIZES, seed = DEFAULT_SEED): StoreSeed {
  const users = generateUsers(new Random(seed + 1), sizes.users);
  const categories = CATEGORIES.map((c, i) => ({ id: `cat_${pad(i + 1, 2)}`, slug: c.slug, name: c.name }));
  const products = generateProducts(new Random(seed + 2), sizes.products, categories);
  const warehouses = WAREHOUSES.map((w) => ({ ...w }));
  const stockLevels = generateStock(new Random(seed + 3), products);
  const reviews = generateReviews(new Random(seed + 4), sizes.reviews, products, users);
  const orders = generateOrders(new Random(seed + 5), sizes.orders, products, users);
  return { users, categories, products, warehouses, stockLevels, reviews, orders };
}

/** Seed sizes from the environment (SEED_USERS etc.), for a smaller demo or a larger load test. */
export function seedSizesFromEnv(env: NodeJS.ProcessEnv = process.env): SeedSizes {
  const read = (key: string, fallback: number) => {
    const raw = env[key];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${key} must be a positive integer, got "${raw}"`);
    return value;
  };
  return {
    users: read("SEED_USERS", DEFAULT_SIZES.users),
    products: read("SEED_PRODUCTS", DEFAULT_SIZES.products),
    reviews: read("SEED_REVIEWS", DEFAULT_SIZES.reviews),
    orders: read("SEED_ORDERS", DEFAULT_SIZES.orders),
  };
}
