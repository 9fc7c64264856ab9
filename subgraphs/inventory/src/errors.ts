import { withDomainCodes } from "@store/wire";

/** Inventory's own error codes, beside the platform's: what reserveStock answers when the stock is short. */
export const InventoryErrorCode = {
  /** Fewer units in all warehouses together than asked for (extensions: productId, requested, available). */
  INSUFFICIENT_STOCK: "INSUFFICIENT_STOCK",
} as const;

export const { ErrorCode, codedError } = withDomainCodes(InventoryErrorCode);
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
