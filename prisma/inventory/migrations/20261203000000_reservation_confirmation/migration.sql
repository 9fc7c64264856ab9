-- A reservation is confirmed once its order is recorded; one never confirmed expires and its stock goes back.
ALTER TYPE "ReservationStatus" ADD VALUE 'CONFIRMED';

ALTER TABLE "Reservation" ADD COLUMN "confirmedAt" TIMESTAMP(3);

-- The expiry sweep looks for old ACTIVE reservations.
CREATE INDEX "Reservation_status_createdAt_idx" ON "Reservation"("status", "createdAt");
